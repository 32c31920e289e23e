import { buildEvent } from '../../../events/catalog';
import { logEntryOfEvent } from '../../../tenancy/provisioning-log';
import { renderGroup } from './group-reads';
import { beginDeleteOf } from '../begin-delete';
import { scimErrorOf } from '../preconditions';
import type { Operation } from '../../request';
import { noContent } from '../responses';
import { CommitFailure } from '../../writes/write-plan';

/**
 * DELETE /Groups/{id}: marks the group as being deleted (no membership change can reserve a version
 * of it from then on), removes its members and its own place in other groups, then deletes it with
 * its `Group Deleted` event, and sweeps its members once more for a membership write that was
 * already past its reservation (docs/data-model.md "Deletes"). Without If-Match it never answers 412.
 */
export const deleteGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const what = `Group "${id}"`;
  try {
    const group = await beginDeleteOf(request, deps, 'Group', what);
    await deps.writes.sweepMemberships(request.tenantId, { groupId: id });
    await deps.writes.sweepMemberships(request.tenantId, { memberId: id });
    const event = buildEvent({
      detailType: 'Group Deleted',
      tenantId: request.tenantId,
      resourceType: 'Group',
      resourceId: id,
      version: group.version,
      occurredAt: deps.clock.now().toISOString(),
      requestId: request.requestId,
      previous: renderGroup(request, group),
      snapshot: null,
    });
    await deps.writes.commit({
      tenantId: request.tenantId,
      transactions: [
        {
          writes: [
            { type: 'deleteResource', resourceType: 'Group', id, expected: { kind: 'deleting' } },
            { type: 'countResources', resourceType: 'Group', delta: -1 },
            { type: 'event', event },
            { type: 'log', entry: logEntryOfEvent(event) },
          ],
        },
      ],
    });
    await deps.writes.sweepMemberships(request.tenantId, { groupId: id });
  } catch (error) {
    if (error instanceof CommitFailure) throw scimErrorOf(error, request, what);
    throw error;
  }
  return noContent();
};
