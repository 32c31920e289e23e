import { ScimError } from '../../scim/errors';
import { profileResponse } from './profile-view';
import type { Operation } from '../request';

/** GET /profiles/v1/{tenantId}/users/{id}: the effective profile with each field's owner and sources. */
export const getProfile: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const user = await deps.directory.getUser(request.tenantId, id);
  if (!user) throw ScimError.notFound(`User "${id}" not found.`);
  return profileResponse(request, user);
};
