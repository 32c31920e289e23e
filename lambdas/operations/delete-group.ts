import { buildEvent } from '../events/catalog';
import { ScimError } from '../scim/errors';
import { renderGroup } from './group-writes';
import { checkIfMatch } from './preconditions';
import type { Operation } from './request';
import { noContent } from './responses';

/** DELETE /Groups/{id}: its memberships go first, then the group with its `Group Deleted` event. */
export const deleteGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const group = await deps.groups.getGroup(request.tenantId, id);
  if (!group) throw ScimError.notFound(`Group "${id}" not found.`);
  checkIfMatch(request, group);
  const now = deps.clock.now().toISOString();
  const event = buildEvent({
    detailType: 'Group Deleted',
    tenantId: request.tenantId,
    resourceType: 'Group',
    resourceId: id,
    version: group.version + 1,
    occurredAt: now,
    requestId: request.requestId,
    previous: renderGroup(request, group),
    snapshot: null,
  });

  await deps.groups.deleteGroup(request.tenantId, group, [event]);

  return noContent();
};
