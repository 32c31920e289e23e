import { buildEvent, type DetailType } from '../../../events/catalog';
import { renderResource } from '../../../scim/resources/render';
import type { ScimObject } from '../../../scim/resources/normalize';
import { changedAttributes } from '../../../scim/resources/changes';
import { foldCase } from '../../../scim/resources/fold-case';
import { profileOf } from '../../profiles/effective-profile';
import { userTypeOf } from '../../profiles/tenant-schema';
import type { Dependencies, StoredResource } from '../../ports';
import type { ChangeEvent } from '../../../events/catalog';
import type { WritePlan, Write } from '../../writes/write-plan';
import type { ScimRequest } from '../../request';
import {
  commitRouted,
  markHeld,
  reportWrites,
  routeUserChange,
  type GuardDependencies,
  type Routing,
} from '../../removal-guard/route-change';

/** A user's change is reported as deactivation or reactivation when `active` flips (entra §2.6). */
export function userDetailType(before: ScimObject, after: ScimObject): DetailType {
  const wasActive = before.active !== false;
  const isActive = after.active !== false;
  if (wasActive && !isActive) return 'User Deactivated';
  if (!wasActive && isActive) return 'User Reactivated';
  return 'User Updated';
}

/** Previous values of the changed attributes, for the event. */
function previousValues(before: ScimObject, changed: readonly string[]): ScimObject {
  const previous: ScimObject = {};
  for (const name of changed) {
    const colon = name.lastIndexOf(':');
    const value =
      colon > 0 ? ((before[name.slice(0, colon)] ?? {}) as ScimObject)[name.slice(colon + 1)] : before[name];
    if (value !== undefined) previous[name] = value;
  }
  return previous;
}

/**
 * Stores a user's new attributes as the next version with its event, conditional on the version
 * read; returns the stored user. An unchanged document writes nothing and emits no event.
 */
export async function saveUser(
  request: ScimRequest,
  deps: Dependencies,
  before: StoredResource,
  data: ScimObject,
): Promise<StoredResource> {
  const changed = changedAttributes(before.data, data, userTypeOf(request));
  if (changed.length === 0) return before;
  const now = deps.clock.now().toISOString();
  const after: StoredResource = { ...before, version: before.version + 1, lastModified: now, data };
  const detailType = userDetailType(before.data, data);
  const event = buildEvent({
    detailType,
    tenantId: request.tenantId,
    resourceType: 'User',
    resourceId: before.id,
    version: after.version,
    occurredAt: now,
    requestId: request.requestId,
    changedAttributes: changed,
    previous: previousValues(before.data, changed),
    snapshot: renderResource(userTypeOf(request), after, data, request.tenantUrl),
    profile: profileOf(request.tenant, after),
  });
  return commitUserChange(
    deps,
    request.tenantId,
    before,
    after,
    event,
    detailType === 'User Deactivated' ? 'deactivate' : 'update',
  );
}

/**
 * Commits a user's new version with its event, which the removal guard may hold (a deactivation
 * past the tenant's limit, or any change of a user held behind the hold in force); returns it as stored.
 */
export async function commitUserChange(
  deps: GuardDependencies,
  tenantId: string,
  before: StoredResource,
  after: StoredResource,
  event: ChangeEvent,
  operation: 'deactivate' | 'update' = 'update',
): Promise<StoredResource> {
  const routing = await routeUserChange(deps, tenantId, before, operation, event.requestId);
  const stored = markHeld(after, routing);
  await commitRouted(deps, tenantId, routing, () =>
    deps.writes.commit(replaceUserPlan(tenantId, before, stored, event, routing)),
  );
  return stored;
}

/**
 * The plan of a user's new version: conditional on the version read, moving the userName marker in
 * the same transaction on a rename (uniqueConflict when the new name is taken).
 */
export function replaceUserPlan(
  tenantId: string,
  before: StoredResource,
  after: StoredResource,
  event: ChangeEvent,
  routing: Routing = { operation: 'update' },
): WritePlan {
  const oldName = String(before.data.userName);
  const newName = String(after.data.userName);
  const rename: Write[] =
    foldCase(oldName) === foldCase(newName)
      ? []
      : [
          { type: 'claimUserName', userName: newName, userId: after.id },
          { type: 'releaseUserName', userName: oldName },
        ];
  return {
    tenantId,
    transactions: [
      {
        writes: [
          {
            type: 'putResource',
            resourceType: 'User',
            resource: after,
            expected: { kind: 'version', version: before.version },
          },
          ...rename,
          ...reportWrites(routing, event, before),
        ],
      },
    ],
  };
}
