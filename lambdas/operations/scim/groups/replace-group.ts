import { ScimError } from '../../../scim/errors';
import { normalizeResource } from '../../../scim/resources/normalize';
import { GROUP_RESOURCE_TYPE } from '../../../scim/schema/attributes';
import { HeldVersions, memberIdsOf, membershipWrites, resolveMembers, saveGroup } from './group-writes';
import { groupResponse } from './group-reads';
import { checkIfMatch, hasIfMatch, withRetryOnConflict } from '../preconditions';
import type { Operation } from '../../request';

/** PUT /Groups/{id} (Okta): attributes and the full member list replace the stored ones. */
export const replaceGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const { members, ...data } = normalizeResource(request.body, GROUP_RESOURCE_TYPE);
  const memberIds = memberIdsOf({ members });
  await resolveMembers(request, deps, memberIds, id);
  const held = new HeldVersions();
  const group = await withRetryOnConflict(request, `Group "${id}"`, async () => {
    const before = await deps.groups.getGroup(request.tenantId, id);
    if (!before || before.deleting) throw ScimError.notFound(`Group "${id}" not found.`);
    if (!held.isOwn(before.version)) checkIfMatch(request, before);
    const writes = await membershipWrites(request, deps, id, { replaceAll: memberIds, add: [], remove: [] });
    const memberTypes = await resolveMembers(request, deps, writes.add, id);
    return saveGroup(
      request,
      deps,
      { before, data, members: writes, memberTypes },
      hasIfMatch(request) ? before.version : undefined,
      held,
    );
  });
  return groupResponse(request, deps, 200, group);
};
