import { ScimError } from '../scim/errors';
import { renderResource } from '../scim/resources/render';
import { USER_RESOURCE_TYPE } from '../scim/schema/attributes';
import type { Operation } from './request';
import { resourceResponse } from './responses';

/** GET /Users/{id}: inactive users are returned too; only a deleted user is 404 (entra §2.3). */
export const getUser: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const user = await deps.directory.getUser(request.tenantId, id);
  if (!user) throw ScimError.notFound(`User "${id}" not found.`);
  return resourceResponse(200, renderResource(USER_RESOURCE_TYPE, user, user.data, request.tenantUrl));
};
