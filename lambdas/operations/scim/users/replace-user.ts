import { ScimError } from '../../../scim/errors';
import { normalizeResource } from '../../../scim/resources/normalize';
import { userTypeOf } from '../../profiles/tenant-schema';
import { checkIfMatch, withRetryOnConflict } from '../preconditions';
import type { Operation } from '../../request';
import { saveUser } from './user-writes';
import { userResponse } from './user-reads';

/** PUT /Users/{id} (Okta's update): the body replaces every client-writable attribute. */
export const replaceUser: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const data = normalizeResource(request.body, userTypeOf(request));
  const user = await withRetryOnConflict(request, `User "${id}"`, async () => {
    const before = await deps.directory.getUser(request.tenantId, id);
    if (!before || before.deleting) throw ScimError.notFound(`User "${id}" not found.`);
    checkIfMatch(request, before);
    return saveUser(request, deps, before, data);
  });
  return userResponse(request, 200, user);
};
