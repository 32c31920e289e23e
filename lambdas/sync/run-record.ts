/**
 * A sync run's record: kept in the table, rewritten after every page (the checkpoint a resumed run
 * continues from) and shown by `scim-admin sync status`. Pure.
 */
import type { SyncErrorCode } from './errors';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * Users first (a deleted user's memberships go with it, so the groups round's removal of it writes
 * nothing), then groups and their members, then the reconcile pass over every user link.
 */
export type RunPhase = 'users' | 'groups' | 'reconcile' | 'reconcileGroups' | 'done';

export interface RunCounts {
  readonly created: number;
  readonly updated: number;
  readonly deactivated: number;
  readonly reactivated: number;
  readonly deleted: number;
  /** Users out of the filters' scope that were never written. */
  readonly skipped: number;
  /** Objects the run could not write (each listed in `errors`) plus a failure that stopped the run. */
  readonly errors: number;
  readonly pages: number;
  readonly groupsCreated: number;
  readonly groupsUpdated: number;
  readonly groupsDeleted: number;
  readonly membersAdded: number;
  readonly membersRemoved: number;
  /** Members that are not users or groups the sync knows, or users out of scope. */
  readonly membersSkipped: number;
  readonly graphRequests: number;
  /** Graph answers 429/503 the run waited out. */
  readonly throttled: number;
  /** Times Graph asked for a full resync (410, syncStateNotFound, an expired delta link). */
  readonly resyncs: number;
}

export const ZERO_COUNTS: RunCounts = {
  created: 0,
  updated: 0,
  deactivated: 0,
  reactivated: 0,
  deleted: 0,
  skipped: 0,
  errors: 0,
  pages: 0,
  groupsCreated: 0,
  groupsUpdated: 0,
  groupsDeleted: 0,
  membersAdded: 0,
  membersRemoved: 0,
  membersSkipped: 0,
  graphRequests: 0,
  throttled: 0,
  resyncs: 0,
};

export interface RunError {
  readonly code: SyncErrorCode;
  readonly message: string;
  readonly at: string;
}

/** At most this many errors are kept on a run (its item stays far below DynamoDB's 400 KB). */
export const MAX_RUN_ERRORS = 50;

export interface RunRecord {
  readonly tenantId: string;
  /** Sorts by start time: `<yyyymmddThhmmssZ>-<random>`. */
  readonly runId: string;
  readonly trigger: 'manual' | 'schedule';
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly updatedAt: string;
  /** A full pull (first run or resync): what it does not see is removed at the end. */
  readonly full: boolean;
  /** Marks what a full pull saw; kept across resumed runs of the same pull. */
  readonly round: string;
  readonly phase: RunPhase;
  /** The Graph page to read next (a nextLink), or the reconcile pass's cursor. */
  readonly cursor?: string;
  /** Delta links this run obtained, committed to the connector when it succeeds. */
  readonly deltaLinks: { readonly users?: string; readonly groups?: string };
  /** Graph ids of the filters' named groups, by id. */
  readonly scopeGroups: Readonly<Record<string, string>>;
  /** Age in seconds of the delta link the run started from (absent on a full pull). */
  readonly deltaLinkAgeSeconds?: number;
  /** The failed run whose checkpoint this one continued. */
  readonly resumedFrom?: string;
  readonly counts: RunCounts;
  readonly errors: readonly RunError[];
}

/**
 * A run id that sorts by start time, to the millisecond: `sync status` and the next run's resume read
 * "the newest run" as the first id in descending order, and a retry often starts within the second of
 * the run that failed (with whole seconds, the random part decided which came first).
 */
export function newRunId(now: Date, random: string): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${random.replace(/[^a-z0-9]/gi, '').slice(0, 8)}`;
}

/** Adds `delta` to the counts. */
export function addCounts(counts: RunCounts, delta: Partial<RunCounts>): RunCounts {
  const sum: Record<string, number> = { ...counts };
  for (const [key, value] of Object.entries(delta)) sum[key] = (sum[key] ?? 0) + (value ?? 0);
  return sum as unknown as RunCounts;
}

/** Appends errors, keeping the first MAX_RUN_ERRORS. */
export function withErrors(run: RunRecord, errors: readonly RunError[]): RunRecord {
  if (errors.length === 0) return run;
  return {
    ...run,
    errors: [...run.errors, ...errors].slice(0, MAX_RUN_ERRORS),
    counts: addCounts(run.counts, { errors: errors.length }),
  };
}

/** What `sync status --json` shows of a run (field names are a contract: docs/graph-sync.md). */
export function runSummary(run: RunRecord) {
  return {
    runId: run.runId,
    trigger: run.trigger,
    status: run.status,
    created: run.counts.created,
    updated: run.counts.updated + run.counts.reactivated,
    deactivated: run.counts.deactivated,
    deleted: run.counts.deleted,
    skipped: run.counts.skipped,
    errors: run.counts.errors,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    full: run.full,
    phase: run.phase,
    pages: run.counts.pages,
    reactivated: run.counts.reactivated,
    groups: { created: run.counts.groupsCreated, updated: run.counts.groupsUpdated, deleted: run.counts.groupsDeleted },
    members: { added: run.counts.membersAdded, removed: run.counts.membersRemoved, skipped: run.counts.membersSkipped },
    graphRequests: run.counts.graphRequests,
    throttled: run.counts.throttled,
    resyncs: run.counts.resyncs,
    deltaLinkAgeSeconds: run.deltaLinkAgeSeconds ?? null,
    errorDetails: run.errors.map((error) => ({ code: error.code, message: error.message, at: error.at })),
  };
}

/** Links between Graph objects and SCIM resources, kept by the sync (one item per Graph object). */
export interface UserLink {
  readonly graphId: string;
  /** The SCIM user, once written (absent while out of scope, or for a member seen before the user). */
  readonly scimId?: string;
  /** The Graph properties last seen ($select'ed ones), so a partial delta object can be completed. */
  readonly props?: Readonly<Record<string, unknown>>;
  /** Graph group ids the user is a direct member of → the round that last confirmed it. */
  readonly memberOf: Readonly<Record<string, string>>;
  readonly inScope: boolean;
  /** The SCIM user's version after the sync's last write (a higher one after a write means it changed). */
  readonly version?: number;
  /** The `active` last written to SCIM. */
  readonly active?: boolean;
  /** Soft-deleted in Entra (`@removed: changed`): deactivated until it is restored. */
  readonly softDeleted?: boolean;
  /** The round of the last full pull that saw the user. */
  readonly seenRound?: string;
  /** The last run that saw the user (an object Graph sends twice in one run is counted once). */
  readonly lastRun?: string;
}

export interface GroupLink {
  readonly graphId: string;
  readonly scimId?: string;
  readonly displayName?: string;
  readonly seenRound?: string;
}
