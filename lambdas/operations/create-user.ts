import { buildEvent } from '../events/catalog';
import { normalizeResource } from '../scim/resources/normalize';
import { renderResource } from '../scim/resources/render';
import { profileOf } from './profiles';
import { userTypeOf } from './tenant-schema';
import type { StoredResource } from './ports';
import type { Operation } from './request';
import { userResponse } from './user-writes';

/** POST /Users: one transaction writes the user, its userName marker and its `User Created` event. */
export const createUser: Operation = async (request, deps) => {
  const data = normalizeResource(request.body, userTypeOf(request));
  const now = deps.clock.now().toISOString();
  const user: StoredResource = { id: deps.ids.newId(), version: 1, created: now, lastModified: now, data };
  const resource = renderResource(userTypeOf(request), user, data, request.tenantUrl);
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
    profile: profileOf(request.tenant, user),
  });

  await deps.directory.createUser(request.tenantId, user, [event]);

  return userResponse(request, 201, user);
};
