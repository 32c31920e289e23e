import { buildEvent } from '../../../events/catalog';
import { renderResource } from '../../../scim/resources/render';
import { beginDeleteOf } from '../begin-delete';
import { scimErrorOf } from '../preconditions';
import { userTypeOf } from '../../profiles/tenant-schema';
import type { Operation } from '../../request';
import { noContent } from '../responses';
import { commitRouted, reportWrites, routeUserChange } from '../../removal-guard/route-change';
import { CommitFailure } from '../../writes/write-plan';

/**
 * DELETE /Users/{id}: marks the user as being deleted (from then on no membership of it can commit
 * and no PATCH changes it), removes its memberships, then deletes the user and its userName marker
 * with a `User Deleted` event (held when the removal guard holds removals, docs/removal-guard.md).
 * Without If-Match it never answers 412 (docs/security.md T14); a
 * delete that stopped half-way (a crash) is finished by the client's retry.
 */
export const deleteUser: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const what = `User "${id}"`;
  try {
    const user = await beginDeleteOf(request, deps, 'User', what);
    const routing = await routeUserChange(deps, request.tenantId, user, 'delete', request.requestId);
    await commitRouted(deps, request.tenantId, routing, async () => {
      // A held delete keeps what a reject needs to restore the memberships it sweeps now.
      const groupIds = routing.hold ? await deps.groups.groupsOf(request.tenantId, id) : undefined;
      await deps.writes.sweepMemberships(request.tenantId, { memberId: id });
      const event = buildEvent({
        detailType: 'User Deleted',
        tenantId: request.tenantId,
        resourceType: 'User',
        resourceId: id,
        version: user.version,
        occurredAt: deps.clock.now().toISOString(),
        requestId: request.requestId,
        previous: renderResource(userTypeOf(request), user, user.data, request.tenantUrl),
        snapshot: null,
      });
      await deps.writes.commit({
        tenantId: request.tenantId,
        transactions: [
          {
            writes: [
              { type: 'deleteResource', resourceType: 'User', id, expected: { kind: 'deleting' } },
              { type: 'releaseUserName', userName: String(user.data.userName) },
              { type: 'countResources', resourceType: 'User', delta: -1 },
              ...reportWrites(routing, event, user, groupIds),
            ],
          },
        ],
      });
    });
  } catch (error) {
    if (error instanceof CommitFailure) throw scimErrorOf(error, request, what);
    throw error;
  }
  return noContent();
};
