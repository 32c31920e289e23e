import { ScimError } from '../scim/errors';
import { applyPatch, parsePatchRequest } from '../scim/patch';
import { GROUP_RESOURCE_TYPE } from '../scim/schema/attributes';
import { assertMembersExist, membershipWrites, saveGroup } from './group-writes';
import { checkIfMatch, withRetryOnConflict } from './preconditions';
import type { Operation } from './request';

/**
 * PATCH /Groups/{id}: renames and member changes in Entra's two dialects and Okta's. Members are
 * separate items, so the cost grows with the members named, not with the group (docs/data-model.md).
 * Answers 204, as Entra's docs recommend for groups (entra §3).
 */
export const patchGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const operations = parsePatchRequest(request.body, GROUP_RESOURCE_TYPE);
  const group = await withRetryOnConflict(request, async () => {
    const before = await deps.groups.getGroup(request.tenantId, id);
    if (!before) throw ScimError.notFound(`Group "${id}" not found.`);
    checkIfMatch(request, before);
    const { data, members } = applyPatch(before.data, operations, GROUP_RESOURCE_TYPE);
    const writes = await membershipWrites(request, deps, id, members);
    await assertMembersExist(request, deps, writes.add, id);
    return saveGroup(request, deps, before, data, writes);
  });
  return { status: 204, headers: { ETag: `W/"${group.version}"` } };
};
