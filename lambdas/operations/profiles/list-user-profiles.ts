import { renderResource } from '../../scim/resources/render';
import { profileOf } from './effective-profile';
import type { Operation } from '../request';
import { readSnapshotPage } from './snapshot-paging';
import { userTypeOf } from './tenant-schema';

/**
 * GET /profiles/v1/{tenantId}/users?count=&cursor=: every user of the tenant in id order, a page at
 * a time, with its version, effective profile and SCIM snapshot (what a change event carries), so a
 * consumer can rebuild its state and then follow the events from `asOf` (docs/events.md).
 */
export const listUserProfiles: Operation = async (request, deps) => {
  const { asOf, items, nextCursor } = await readSnapshotPage(request, deps.clock, (start, limit) =>
    deps.directory.listUsers(request.tenantId, start, limit),
  );
  const type = userTypeOf(request);
  const profiles = items.map((user) => ({
    id: user.id,
    version: user.version,
    userName: user.data.userName,
    active: user.data.active !== false,
    profile: profileOf(request.tenant, user),
    snapshot: renderResource(type, user, user.data, request.tenantUrl),
  }));
  return {
    status: 200,
    body: { tenantId: request.tenantId, asOf, profiles, ...(nextCursor ? { nextCursor } : {}) },
  };
};
