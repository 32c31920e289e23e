import { buildEvent } from '../events/catalog';
import { normalizeResource } from '../scim/resources/normalize';
import { renderResource } from '../scim/resources/render';
import { USER_RESOURCE_TYPE } from '../scim/schema/attributes';
import type { StoredResource } from './ports';
import type { Operation } from './request';
import { userResponse } from './user-writes';

/** POST /Users: one transaction writes the user, its userName marker and its `User Created` event. */
export const createUser: Operation = async (request, deps) => {
  const data = normalizeResource(request.body, USER_RESOURCE_TYPE);
  const now = deps.clock.now().toISOString();
  const user: StoredResource = { id: deps.ids.newId(), version: 1, created: now, lastModified: now, data };
  const resource = renderResource(USER_RESOURCE_TYPE, user, data, request.tenantUrl);
  const event = buildEvent({
    detailType: 'User Created',
    tenantId: request.tenantId,
    resourceType: 'User',
    resourceId: user.id,
    version: user.version,
    occurredAt: now,
    requestId: request.requestId,
    changedAttributes: Object.keys(data),
    snapshot: resource,
  });

  await deps.directory.createUser(request.tenantId, user, [event]);

  return userResponse(request, 201, user);
};
