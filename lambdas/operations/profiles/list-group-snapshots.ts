import { renderResource } from '../../scim/resources/render';
import { GROUP_RESOURCE_TYPE } from '../../scim/schema/attributes';
import type { Operation } from '../request';
import { readSnapshotPage } from './snapshot-paging';

/**
 * GET /profiles/v1/{tenantId}/groups?count=&cursor=: every group of the tenant in id order, a page
 * at a time, with its version and SCIM snapshot without members (as group events carry it); a
 * group's members are paged by GET …/groups/{id}/members (docs/events.md "Rebuilding state").
 */
export const listGroupSnapshots: Operation = async (request, deps) => {
  const { asOf, items, nextCursor } = await readSnapshotPage(request, deps.clock, (start, limit) =>
    deps.groups.listGroups(request.tenantId, start, limit),
  );
  const groups = items.map((group) => ({
    id: group.id,
    version: group.version,
    displayName: group.data.displayName,
    snapshot: renderResource(GROUP_RESOURCE_TYPE, group, group.data, request.tenantUrl),
  }));
  return {
    status: 200,
    body: { tenantId: request.tenantId, asOf, groups, ...(nextCursor ? { nextCursor } : {}) },
  };
};
