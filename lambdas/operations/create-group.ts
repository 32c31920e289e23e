import { buildEvent } from '../events/catalog';
import { normalizeResource } from '../scim/resources/normalize';
import { GROUP_RESOURCE_TYPE } from '../scim/schema/attributes';
import { assertMembersExist, groupResponse, memberIdsOf, renderGroup, saveGroup } from './group-writes';
import { MEMBERS_PER_TRANSACTION, type StoredResource } from './ports';
import type { Operation } from './request';

/**
 * POST /Groups: Entra sends the core schema plus its ADSCIM URN (ignored) and usually no members
 * (entra §3). The group, its count, its first members and `Group Created` commit together; members
 * past one transaction follow in chunks with `Group Members Added` events.
 */
export const createGroup: Operation = async (request, deps) => {
  const { members: _members, ...data } = normalizeResource(request.body, GROUP_RESOURCE_TYPE);
  const memberIds = memberIdsOf({ members: _members });
  const now = deps.clock.now().toISOString();
  const group: StoredResource = { id: deps.ids.newId(), version: 1, created: now, lastModified: now, data };
  await assertMembersExist(request, deps, memberIds, group.id);

  const first = memberIds.slice(0, MEMBERS_PER_TRANSACTION);
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
  await deps.groups.createGroup(request.tenantId, group, first, [event]);

  const rest = memberIds.slice(MEMBERS_PER_TRANSACTION);
  const stored = rest.length > 0 ? await saveGroup(request, deps, group, data, { add: rest, remove: [] }) : group;
  return groupResponse(request, deps, 201, stored, [...memberIds].sort());
};
