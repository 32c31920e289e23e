import { buildEvent, type ChangeEvent } from '../../../events/catalog';
import { normalizeResource } from '../../../scim/resources/normalize';
import { GROUP_RESOURCE_TYPE } from '../../../scim/schema/attributes';
import { logEntryOfEvent } from '../../../tenancy/provisioning-log';
import { memberIdsOf, resolveMembers, saveGroup } from './group-writes';
import { groupResponse, renderGroup } from './group-reads';
import type { StoredResource } from '../../ports';
import { withRetryOnConflict } from '../preconditions';
import type { Operation } from '../../request';
import { chunkMemberChanges, type MemberType, type PlannedTransaction, type Write } from '../../writes/write-plan';

/**
 * The transaction that creates a group (pure): the group, its count, its first members (each
 * conditional on the member existing) and `Group Created` listing them.
 */
export function createGroupTransaction(
  group: StoredResource,
  first: readonly string[],
  memberTypes: ReadonlyMap<string, MemberType>,
  event: ChangeEvent,
): PlannedTransaction {
  const writes: Write[] = [
    { type: 'putResource', resourceType: 'Group', resource: group, expected: { kind: 'absent' } },
    { type: 'countResources', resourceType: 'Group', delta: 1 },
  ];
  for (const memberId of first) {
    writes.push({ type: 'memberExists', memberType: memberTypes.get(memberId) ?? 'User', memberId });
    writes.push({ type: 'addMember', groupId: group.id, memberId, rev: group.version });
  }
  writes.push({ type: 'event', event }, { type: 'log', entry: logEntryOfEvent(event) });
  return { writes };
}

/**
 * POST /Groups: Entra sends the core schema plus its ADSCIM URN (ignored) and usually no members
 * (entra §3). The group, its count, its first members and `Group Created` commit together; members
 * past one transaction follow through the membership write path with `Group Members Added` events.
 */
export const createGroup: Operation = async (request, deps) => {
  const { members: _members, ...data } = normalizeResource(request.body, GROUP_RESOURCE_TYPE);
  const memberIds = memberIdsOf({ members: _members });
  const now = deps.clock.now().toISOString();
  const group: StoredResource = { id: deps.ids.newId(), version: 1, created: now, lastModified: now, data };
  const memberTypes = await resolveMembers(request, deps, memberIds, group.id);

  const [firstChunk = []] = chunkMemberChanges(
    memberIds.map((memberId) => ({ memberId, add: true })),
    2,
  );
  const first = firstChunk.map((change) => change.memberId);
  const event = buildEvent({
    detailType: 'Group Created',
    tenantId: request.tenantId,
    resourceType: 'Group',
    resourceId: group.id,
    version: 1,
    occurredAt: now,
    requestId: request.requestId,
    changedAttributes: [...Object.keys(data), ...(first.length > 0 ? ['members'] : [])],
    snapshot: renderGroup(request, group),
    ...(first.length > 0 ? { members: { added: first, removed: [] } } : {}),
  });
  await withRetryOnConflict(request, `Group "${group.id}"`, () =>
    deps.writes.commit({
      tenantId: request.tenantId,
      transactions: [createGroupTransaction(group, first, memberTypes, event)],
    }),
  );

  const rest = memberIds.slice(first.length);
  const stored =
    rest.length > 0
      ? await withRetryOnConflict(request, `Group "${group.id}"`, async () => {
          const current = (await deps.groups.getGroup(request.tenantId, group.id)) ?? group;
          const present = await deps.groups.presentMembers(request.tenantId, group.id, rest);
          const add = rest.filter((id) => !present.has(id));
          return saveGroup(request, deps, {
            before: current,
            data: current.data,
            members: { add, remove: [] },
            memberTypes,
          });
        })
      : group;
  return groupResponse(request, deps, 201, stored, [...memberIds].sort());
};
