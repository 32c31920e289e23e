import { foldCase } from '../../scim/resources/fold-case';
import type { LogEntry } from '../../tenancy/provisioning-log';
import {
  formatWindow,
  GuardSettingsError,
  removalLimit,
  removalsInWindow,
  windowIndexOf,
  type GuardSettings,
  type HeldOperation,
  type Hold,
} from '../../tenancy/removal-guard';
import { AdminError } from '../admin-error';
import type { Dependencies, GuardAction, StoredResource } from '../ports';
import { isCommitFailure, type HeldChange, type PlannedTransaction, type Write } from '../writes/write-plan';

type GuardAdminDeps = Pick<Dependencies, 'tenants' | 'guard' | 'directory' | 'groups' | 'writes' | 'clock' | 'ids'>;

/** How long a release or reject may hold the lock before another may take it over (a crashed CLI). */
export const GUARD_LOCK_MS = 15 * 60 * 1000;
/** Held changes read per page. */
const HELD_PAGE = 100;
/** Items of one reject transaction besides the user's own writes (DynamoDB allows 100). */
const ITEMS_PER_TRANSACTION = 90;

async function tenantOrFail(deps: Pick<Dependencies, 'tenants'>, tenantId: string): Promise<void> {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant || tenant.status === 'purging') throw new AdminError(`Tenant "${tenantId}" does not exist.`);
}

/** What `guard show` prints. */
export interface GuardView {
  readonly tenantId: string;
  readonly enabled: boolean;
  readonly maxRemovals: number;
  readonly percent: number | null;
  readonly window: string;
  readonly windowSeconds: number;
  /** Removals the window allows now (the smaller of maxRemovals and percent of the users). */
  readonly limit: number;
  /** Removals counted in the sliding window now. */
  readonly removalsInWindow: number;
  readonly holding: boolean;
  readonly hold: Hold | null;
  readonly heldCount: number;
}

async function countHeld(deps: GuardAdminDeps, tenantId: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.guard.listHeld(tenantId, 1000, cursor);
    count += page.items.length;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return count;
}

export async function showGuard(deps: GuardAdminDeps, tenantId: string): Promise<GuardView> {
  await tenantOrFail(deps, tenantId);
  const guard = await deps.guard.getGuard(tenantId);
  const { settings } = guard;
  const now = deps.clock.now().getTime();
  const users = settings.percent === undefined ? 0 : await deps.directory.countResources(tenantId, 'User');
  const index = windowIndexOf(now, settings.windowSeconds);
  const stored = guard.window;
  // The counters as of now: the stored window may be the previous one (no removal since it ended).
  const current = !stored
    ? undefined
    : stored.index >= index
      ? stored
      : stored.index === index - 1
        ? { index, current: 0, previous: stored.current }
        : undefined;
  return {
    tenantId,
    enabled: settings.enabled,
    maxRemovals: settings.maxRemovals,
    percent: settings.percent ?? null,
    window: formatWindow(settings.windowSeconds),
    windowSeconds: settings.windowSeconds,
    limit: removalLimit(settings, users),
    removalsInWindow: current ? Math.floor(removalsInWindow(current, now, settings.windowSeconds)) : 0,
    holding: guard.hold !== undefined,
    hold: guard.hold ?? null,
    heldCount: await countHeld(deps, tenantId),
  };
}

/** What `guard set` may change; absent fields keep their value. */
export interface GuardChange {
  readonly maxRemovals?: number;
  /** A share of the users, or null to count removals only. */
  readonly percent?: number | null;
  readonly windowSeconds?: number;
  readonly enabled?: boolean;
}

export async function setGuard(deps: GuardAdminDeps, tenantId: string, change: GuardChange): Promise<GuardView> {
  await tenantOrFail(deps, tenantId);
  if (Object.values(change).every((value) => value === undefined))
    throw new GuardSettingsError('Give at least one of --max-removals, --percent, --window, --on, --off.');
  const { settings } = await deps.guard.getGuard(tenantId);
  const { percent: _percent, ...kept } = settings;
  const percent = change.percent === undefined ? settings.percent : (change.percent ?? undefined);
  const next: GuardSettings = {
    ...kept,
    ...(change.maxRemovals !== undefined ? { maxRemovals: change.maxRemovals } : {}),
    ...(change.windowSeconds !== undefined ? { windowSeconds: change.windowSeconds } : {}),
    ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
    ...(percent !== undefined ? { percent } : {}),
  };
  await deps.guard.putSettings(tenantId, next);
  return showGuard(deps, tenantId);
}

/** One held change as `guard held` lists it. */
export interface HeldView {
  readonly resourceId: string;
  readonly resourceType: 'User';
  readonly operation: HeldOperation;
  readonly at: string;
  readonly userName: string;
  readonly version: number;
  readonly holdId: string;
}

async function allHeld(deps: GuardAdminDeps, tenantId: string): Promise<HeldChange[]> {
  const held: HeldChange[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.guard.listHeld(tenantId, HELD_PAGE, cursor);
    held.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return held;
}

export async function listHeldChanges(deps: GuardAdminDeps, tenantId: string): Promise<HeldView[]> {
  await tenantOrFail(deps, tenantId);
  return (await allHeld(deps, tenantId)).map((held) => ({
    resourceId: held.event.resourceId,
    resourceType: 'User',
    operation: held.operation,
    at: held.event.occurredAt,
    userName: String(held.before.data.userName ?? ''),
    version: held.event.version,
    holdId: held.holdId,
  }));
}

/** Runs a release or reject under the tenant's guard lock; refuses when nothing is held. */
async function underLock<T>(
  deps: GuardAdminDeps,
  tenantId: string,
  kind: GuardAction,
  work: (hold: Hold | undefined, settings: GuardSettings) => Promise<T>,
): Promise<T> {
  await tenantOrFail(deps, tenantId);
  const guard = await deps.guard.getGuard(tenantId);
  const first = await deps.guard.listHeld(tenantId, 1);
  if (first.items.length === 0 && !guard.hold) throw new AdminError(`Nothing is held for tenant "${tenantId}".`);
  const now = deps.clock.now().getTime();
  if (!(await deps.guard.lock(tenantId, kind, now, now + GUARD_LOCK_MS))) {
    throw new AdminError(
      `Another guard release or reject is running for tenant "${tenantId}"; run this again once it has finished.`,
    );
  }
  try {
    const result = await work(guard.hold, guard.settings);
    await deps.guard.endHold(tenantId, guard.hold?.id, deps.clock.now().getTime(), guard.settings.windowSeconds);
    return result;
  } finally {
    await deps.guard.unlock(tenantId, kind);
  }
}

export interface ReleaseResult {
  readonly released: number;
}

/**
 * `guard release`: publishes every held change, oldest first, each in its own transaction that takes
 * it off the hold and puts its event in the outbox (a change another release took already is
 * skipped, so nothing is published twice); then lifts the hold and restarts counting.
 */
export async function releaseHeld(deps: GuardAdminDeps, tenantId: string): Promise<ReleaseResult> {
  return underLock(deps, tenantId, 'release', async () => {
    let released = 0;
    for (;;) {
      const page = await deps.guard.listHeld(tenantId, HELD_PAGE);
      if (page.items.length === 0) return { released };
      for (const held of page.items) {
        try {
          await deps.writes.commit({
            tenantId,
            transactions: [
              {
                writes: [
                  { type: 'dropHeld', held },
                  { type: 'event', event: held.event },
                ],
              },
            ],
          });
          released += 1;
        } catch (error) {
          if (!isCommitFailure(error, 'notFound')) throw error;
        }
      }
    }
  });
}

export interface RejectResult {
  readonly restored: number;
  /** Users that could not be restored (their held changes stay held, for a release or a later reject). */
  readonly kept: readonly { readonly resourceId: string; readonly reason: string }[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Restores one user to the state before its first held change, as a new version with no event
 * (nothing of the hold was published, so consumers already have that state), with the memberships
 * a held delete swept; then drops its held changes. Throws CommitFailure for the caller to judge.
 */
async function restoreUser(
  deps: GuardAdminDeps,
  tenantId: string,
  rows: readonly HeldChange[],
  requestId: string,
): Promise<void> {
  const first = rows[0] as HeldChange;
  const id = first.event.resourceId;
  const current = await deps.directory.getUser(tenantId, id);
  if (current?.deleting) throw new AdminError('a delete of it is under way');
  const now = deps.clock.now().toISOString();
  const version = Math.max(current?.version ?? 0, ...rows.map((row) => row.event.version)) + 1;
  const restored: StoredResource = { ...first.before, version, lastModified: now };
  const name = String(restored.data.userName);
  const entry: LogEntry = {
    tenantId,
    at: now,
    requestId,
    operation: 'guardReject',
    status: 200,
    resourceType: 'User',
    resourceId: id,
    version,
    name,
    actor: 'admin',
    detail: 'Restored by guard reject: its held removal was never published.',
  };
  const own: Write[] = current
    ? [
        {
          type: 'putResource',
          resourceType: 'User',
          resource: restored,
          expected: { kind: 'version', version: current.version },
        },
        ...(foldCase(String(current.data.userName)) === foldCase(name)
          ? []
          : [
              { type: 'claimUserName', userName: name, userId: id } as const,
              { type: 'releaseUserName', userName: String(current.data.userName) } as const,
            ]),
      ]
    : [
        { type: 'putResource', resourceType: 'User', resource: restored, expected: { kind: 'absent' } },
        { type: 'claimUserName', userName: name, userId: id },
        { type: 'countResources', resourceType: 'User', delta: 1 },
      ];
  const groupIds = rows.flatMap((row) => row.groupIds ?? []);
  const groups =
    groupIds.length === 0
      ? []
      : (await deps.groups.getGroups(tenantId, [...new Set(groupIds)])).filter((group) => !group.deleting);
  const present = new Set<string>();
  for (const group of groups)
    if ((await deps.groups.presentMembers(tenantId, group.id, [id])).has(id)) present.add(group.id);
  const memberships: Write[] = groups
    .filter((group) => !present.has(group.id))
    .flatMap((group): Write[] => [
      { type: 'memberExists', memberType: 'Group', memberId: group.id },
      { type: 'restoreMember', groupId: group.id, memberId: id, rev: group.version },
    ]);
  const transactions: PlannedTransaction[] = [
    { writes: [...own, { type: 'log', entry }] },
    ...chunks(memberships, ITEMS_PER_TRANSACTION).map((writes) => ({ writes })),
    // Dropped last: a reject cut short finds the rows again and finishes (the user exists by then).
    ...chunks(
      rows.map((held): Write => ({ type: 'dropHeld', held })),
      ITEMS_PER_TRANSACTION,
    ).map((writes) => ({ writes })),
  ];
  await deps.writes.commit({ tenantId, transactions });
}

/**
 * `guard reject`: restores every user with held changes to how it was before the first of them
 * (deleted users come back with their userName and memberships), publishes nothing, drops the held
 * changes and lifts the hold. A user that cannot come back (its userName now belongs to another
 * user) keeps its held changes and is reported.
 */
export async function rejectHeld(deps: GuardAdminDeps, tenantId: string): Promise<RejectResult> {
  return underLock(deps, tenantId, 'reject', async () => {
    const byUser = new Map<string, HeldChange[]>();
    for (const held of await allHeld(deps, tenantId))
      byUser.set(held.event.resourceId, [...(byUser.get(held.event.resourceId) ?? []), held]);
    const requestId = `admin-${deps.ids.newId()}`;
    let restored = 0;
    const kept: { resourceId: string; reason: string }[] = [];
    for (const [resourceId, rows] of byUser) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await restoreUser(deps, tenantId, rows, requestId);
          restored += 1;
          break;
        } catch (error) {
          const retry =
            isCommitFailure(error, 'versionConflict', 'memberStateChanged', 'memberMissing', 'transactionConflict') &&
            attempt < 5;
          if (retry) continue;
          if (isCommitFailure(error, 'uniqueConflict'))
            kept.push({ resourceId, reason: 'its userName now belongs to another user' });
          else if (isCommitFailure(error, 'notFound'))
            break; // another reject dropped these rows already
          else if (error instanceof AdminError) kept.push({ resourceId, reason: error.message });
          else throw error;
          break;
        }
      }
    }
    return { restored, kept };
  });
}
