import { ScimError } from '../../../scim/errors';
import { applyPatch, parsePatchRequest } from '../../../scim/patch';
import { withoutWriteOnly } from '../../../scim/resources/normalize';
import { userTypeOf } from '../../profiles/tenant-schema';
import { checkIfMatch, withRetryOnConflict } from '../preconditions';
import type { Operation } from '../../request';
import { saveUser } from './user-writes';
import { userResponse } from './user-reads';

/**
 * PATCH /Users/{id} in every dialect Entra and Okta send (lambdas/scim/patch): all operations apply
 * or none does, and the result is one conditional write with its event.
 */
export const patchUser: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const operations = parsePatchRequest(request.body, userTypeOf(request));
  const user = await withRetryOnConflict(request, `User "${id}"`, async () => {
    const before = await deps.directory.getUser(request.tenantId, id);
    if (!before || before.deleting) throw ScimError.notFound(`User "${id}" not found.`);
    checkIfMatch(request, before);
    const { data } = applyPatch(before.data, operations, userTypeOf(request));
    return saveUser(request, deps, before, withoutWriteOnly(data, userTypeOf(request)));
  });
  return userResponse(request, 200, user);
};
