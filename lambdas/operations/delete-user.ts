import { buildEvent } from '../events/catalog';
import { ScimError } from '../scim/errors';
import { checkIfMatch } from './preconditions';
import { renderResource } from '../scim/resources/render';
import { userTypeOf } from './tenant-schema';
import type { Operation } from './request';
import { noContent } from './responses';

/** DELETE /Users/{id}: removes the user and its userName marker with a `User Deleted` event. */
export const deleteUser: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const user = await deps.directory.getUser(request.tenantId, id);
  if (!user) throw ScimError.notFound(`User "${id}" not found.`);
  checkIfMatch(request, user);
  const now = deps.clock.now().toISOString();
  const previous = renderResource(userTypeOf(request), user, user.data, request.tenantUrl);
  const event = buildEvent({
    detailType: 'User Deleted',
    tenantId: request.tenantId,
    resourceType: 'User',
    resourceId: id,
    version: user.version + 1,
    occurredAt: now,
    requestId: request.requestId,
    previous,
    snapshot: null,
  });

  await deps.directory.deleteUser(request.tenantId, user, [event]);

  return noContent();
};
