import { ScimError } from '../../../scim/errors';
import { wantsAttribute } from '../../../scim/resources/projection';
import { userTypeOf } from '../../profiles/tenant-schema';
import { notModified } from '../preconditions';
import type { Operation } from '../../request';
import { groupsAttribute, userResponse } from './user-reads';

/** GET /Users/{id}: inactive users are returned too; only a deleted user is 404 (entra §2.3). */
export const getUser: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const user = await deps.directory.getUser(request.tenantId, id);
  if (!user) throw ScimError.notFound(`User "${id}" not found.`);
  const unchanged = notModified(request, user);
  if (unchanged) return unchanged;
  const groups = wantsAttribute(request.query, userTypeOf(request), 'groups')
    ? await groupsAttribute(request, deps, id)
    : {};
  return userResponse(request, 200, user, groups);
};
