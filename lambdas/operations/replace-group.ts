import { ScimError } from '../scim/errors';
import { normalizeResource } from '../scim/resources/normalize';
import { GROUP_RESOURCE_TYPE } from '../scim/schema/attributes';
import { assertMembersExist, groupResponse, memberIdsOf, membershipWrites, saveGroup } from './group-writes';
import { checkIfMatch, withRetryOnConflict } from './preconditions';
import type { Operation } from './request';

/** PUT /Groups/{id} (Okta): attributes and the full member list replace the stored ones. */
export const replaceGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const { members, ...data } = normalizeResource(request.body, GROUP_RESOURCE_TYPE);
  const memberIds = memberIdsOf({ members });
  await assertMembersExist(request, deps, memberIds, id);
  const group = await withRetryOnConflict(request, async () => {
    const before = await deps.groups.getGroup(request.tenantId, id);
    if (!before) throw ScimError.notFound(`Group "${id}" not found.`);
    checkIfMatch(request, before);
    const writes = await membershipWrites(request, deps, id, { replaceAll: memberIds, add: [], remove: [] });
    return saveGroup(request, deps, before, data, writes);
  });
  return groupResponse(request, deps, 200, group);
};
