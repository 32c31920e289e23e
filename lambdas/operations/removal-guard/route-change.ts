import { buildEvent, type ChangeEvent } from '../../events/catalog';
import { logEntryOfEvent, type LogEntry } from '../../tenancy/provisioning-log';
import {
  formatWindow,
  removalLimit,
  removalsInWindow,
  type GuardSettings,
  type HeldOperation,
  type Hold,
} from '../../tenancy/removal-guard';
import { ScimError } from '../../scim/errors';
import { CommitFailure, isCommitFailure, type HeldChange, type Write } from '../writes/write-plan';
import type { Dependencies, StoredResource } from '../ports';

/** Tries to start a hold before giving up (each lost try means another hold started and ended meanwhile). */
const START_HOLD_ATTEMPTS = 5;

/** What deciding and reporting a guarded change needs. */
export type GuardDependencies = Pick<Dependencies, 'guard' | 'directory' | 'writes' | 'clock' | 'ids'>;

/** Where a user change's event goes: the outbox, or behind the hold in force. */
export interface Routing {
  readonly hold?: Hold;
  readonly operation: HeldOperation;
  /** The window this removal was counted in, taken back when its change does not commit (commitRouted). */
  readonly counted?: { readonly index: number; readonly windowSeconds: number };
}

function removalsHeldEvent(
  tenantId: string,
  hold: Hold,
  version: number,
  requestId: string,
  trigger: { readonly resourceId: string; readonly operation: HeldOperation },
  settings: GuardSettings,
  limit: number,
): ChangeEvent {
  return buildEvent({
    detailType: 'Removals Held',
    tenantId,
    resourceType: 'Tenant',
    resourceId: tenantId,
    version,
    occurredAt: hold.since,
    requestId,
    changedAttributes: ['hold'],
    previous: {},
    snapshot: {
      holdId: hold.id,
      since: hold.since,
      limit,
      window: formatWindow(settings.windowSeconds),
      trigger: { resourceType: 'User', resourceId: trigger.resourceId, operation: trigger.operation },
    },
  });
}

/**
 * Decides where the event of a change of `user` goes (docs/removal-guard.md). A change of a user
 * whose earlier removal waits behind the hold in force is held too, so no later event reveals it.
 * A removal (delete, deactivation) is counted in the tenant's window; past the limit it starts a
 * hold (one `Removals Held` event) and is held, and while a hold is in force every removal is held.
 * Other changes cost nothing here: no read unless the user carries a hold.
 */
export async function routeUserChange(
  deps: GuardDependencies,
  tenantId: string,
  user: StoredResource,
  operation: HeldOperation,
  requestId: string,
): Promise<Routing> {
  const removal = operation !== 'update';
  if (user.heldBy === undefined && !removal) return { operation };
  const guard = await deps.guard.getGuard(tenantId);
  if (guard.hold && (removal || guard.hold.id === user.heldBy)) return { hold: guard.hold, operation };
  if (!removal || !guard.settings.enabled) return { operation };
  const { settings } = guard;
  const at = deps.clock.now();
  const window = await deps.guard.countRemoval(tenantId, at.getTime(), settings.windowSeconds, guard.window);
  const counted = { index: window.index, windowSeconds: settings.windowSeconds };
  const limit = removalLimit(
    settings,
    settings.percent === undefined ? 0 : await deps.directory.countResources(tenantId, 'User'),
  );
  if (removalsInWindow(window, at.getTime(), settings.windowSeconds) <= limit) return { operation, counted };
  let holds = guard.holds;
  for (let attempt = 1; ; attempt += 1) {
    const candidate: Hold = { id: deps.ids.newId(), since: at.toISOString() };
    try {
      const hold = await deps.guard.startHold(
        tenantId,
        candidate,
        removalsHeldEvent(
          tenantId,
          candidate,
          holds + 1,
          requestId,
          { resourceId: user.id, operation },
          settings,
          limit,
        ),
      );
      return { hold, operation, counted };
    } catch (error) {
      if (!isCommitFailure(error, 'versionConflict') || attempt >= START_HOLD_ATTEMPTS) throw error;
      const fresh = await deps.guard.getGuard(tenantId);
      if (fresh.hold) return { hold: fresh.hold, operation, counted };
      holds = fresh.holds;
    }
  }
}

/**
 * Runs the writes of a change routed by routeUserChange. When they fail for certain (a failed
 * condition, a refused value, the deadline: nothing of the change was written), the removal it
 * counted is taken back, so a 400, 409 or 412 does not use up the tenant's limit. A failure of
 * unknown outcome (the table unreachable mid-commit) keeps the count: the guard errs towards holding.
 */
export async function commitRouted<T>(
  deps: GuardDependencies,
  tenantId: string,
  routing: Routing,
  writes: () => Promise<T>,
): Promise<T> {
  try {
    return await writes();
  } catch (error) {
    const certain = error instanceof CommitFailure ? error.reason !== 'unavailable' : error instanceof ScimError;
    if (routing.counted && certain) {
      const { index, windowSeconds } = routing.counted;
      // Best effort: a count that stays errs towards holding, and the client hears of the real failure.
      await deps.guard.uncountRemoval(tenantId, index, windowSeconds).catch(() => undefined);
    }
    throw error;
  }
}

/** The user as a change under `routing` stores it: marked with the hold while held, unmarked otherwise. */
export function markHeld(user: StoredResource, routing: Routing): StoredResource {
  const { heldBy: _heldBy, ...rest } = user;
  return routing.hold ? { ...rest, heldBy: routing.hold.id } : rest;
}

/**
 * The writes that report a change: its event in the outbox, or held with what a reject needs; and
 * its provisioning-log entry, which says when it was held.
 */
export function reportWrites(
  routing: Routing,
  event: ChangeEvent,
  before: StoredResource,
  groupIds?: readonly string[],
): Write[] {
  const entry: LogEntry = logEntryOfEvent(event);
  if (!routing.hold)
    return [
      { type: 'event', event },
      { type: 'log', entry },
    ];
  const { deleting: _deleting, heldBy: _heldBy, ...restorable } = before;
  const held: HeldChange = {
    holdId: routing.hold.id,
    operation: routing.operation,
    event,
    before: restorable,
    ...(groupIds ? { groupIds } : {}),
  };
  return [
    { type: 'holdEvent', held },
    {
      type: 'log',
      entry: {
        ...entry,
        detail: `Held by the removal guard (hold ${routing.hold.id}): published when an admin releases it.`,
      },
    },
  ];
}
