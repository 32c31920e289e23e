import { MEMBERS_PER_EVENT } from '../../contracts/events/definitions';
import type { ChangeEvent } from '../../events/catalog';
import type { LogEntry } from '../../tenancy/provisioning-log';
import type { HeldOperation } from '../../tenancy/removal-guard';
import type { StoredResource } from '../ports';

/**
 * A write plan: what one use case wants committed, as data (docs/data-model.md "Write path").
 * Operations build plans with pure functions; the store's one `commit(plan)` turns each
 * transaction into a DynamoDB TransactWriteItems call, in order, each all-or-nothing. Nothing in
 * the store calls back into operations: the plan already holds every event and log entry.
 */
export interface WritePlan {
  readonly tenantId: string;
  /** Committed in order; each one atomically with its events and its provisioning-log entry. */
  readonly transactions: readonly PlannedTransaction[];
}

export interface PlannedTransaction {
  readonly writes: readonly Write[];
}

/** What a resource write requires of the stored item. */
export type Expected =
  /** The resource must not exist yet (create). */
  | { readonly kind: 'absent' }
  /** The stored version must still be this one, and no delete may be under way. */
  | { readonly kind: 'version'; readonly version: number }
  /** A delete was begun on it (`beginDelete`): only the delete that began it may finish it. */
  | { readonly kind: 'deleting' };

export type MemberType = 'User' | 'Group';

/**
 * A committed change whose event waits behind a hold of the removal guard (docs/removal-guard.md):
 * the change is in the table (GET shows it), its event is not in the outbox until a release.
 */
export interface HeldChange {
  readonly holdId: string;
  readonly operation: HeldOperation;
  /** The event a release publishes (its resource, version and time say what was held). */
  readonly event: ChangeEvent;
  /** The resource before this change: what a reject restores. */
  readonly before: StoredResource;
  /** Groups the user belonged to before a delete (a reject restores those memberships). */
  readonly groupIds?: readonly string[];
}

/**
 * One item of a transaction. The store turns each into exactly one TransactWriteItems entry, so a
 * cancellation reason maps back to the write that caused it (never to a position in the list).
 */
export type Write =
  | {
      readonly type: 'putResource';
      readonly resourceType: MemberType;
      readonly resource: StoredResource;
      readonly expected: Expected;
    }
  | {
      readonly type: 'deleteResource';
      readonly resourceType: MemberType;
      readonly id: string;
      readonly expected: Expected;
    }
  /** userName is unique per tenant: the marker's existence is the constraint (no read before the write). */
  | { readonly type: 'claimUserName'; readonly userName: string; readonly userId: string }
  | { readonly type: 'releaseUserName'; readonly userName: string }
  | { readonly type: 'countResources'; readonly resourceType: MemberType; readonly delta: 1 | -1 }
  /**
   * Membership changes carry the group version reserved for them (`rev`): a membership item only
   * moves forward (a stale writer's change is refused), so per member, commit order is version order.
   */
  | { readonly type: 'addMember'; readonly groupId: string; readonly memberId: string; readonly rev: number }
  | { readonly type: 'removeMember'; readonly groupId: string; readonly memberId: string; readonly rev: number }
  /** The member must exist and not be being deleted when the membership commits (no dangling members). */
  | { readonly type: 'memberExists'; readonly memberType: MemberType; readonly memberId: string }
  | { readonly type: 'event'; readonly event: ChangeEvent }
  /** The event of a change held by the removal guard: stored beside the outbox, not in it. */
  | { readonly type: 'holdEvent'; readonly held: HeldChange }
  /** Takes a held change off the hold (release or reject); `notFound` when another already did. */
  | { readonly type: 'dropHeld'; readonly held: HeldChange }
  /** A membership a reject restores, at the group's current version (no event: nothing was published). */
  | { readonly type: 'restoreMember'; readonly groupId: string; readonly memberId: string; readonly rev: number }
  | { readonly type: 'log'; readonly entry: LogEntry };

/** Why a commit did not happen. Each keeps the storage error it came from as `cause`. */
export type CommitFailureReason =
  /** A resource's version (or delete state) was not the expected one: someone else wrote first. */
  | 'versionConflict'
  /** A create found the resource already there. */
  | 'alreadyExists'
  /** A unique value (userName) belongs to another resource. */
  | 'uniqueConflict'
  /** A membership was not in the state the plan assumed (present / absent / newer change). */
  | 'memberStateChanged'
  /** A member named by the plan does not exist (or is being deleted). */
  | 'memberMissing'
  /** The resource is gone or being deleted (version reservation, delete). */
  | 'notFound'
  /** Another transaction held one of the items (DynamoDB TransactionConflict): retry. */
  | 'transactionConflict'
  | 'throttled'
  /** A transient fault of the storage service. */
  | 'unavailable';

/** A typed commit failure: the use case decides what it means for the client (409, 412, retry, 429/503). */
export class CommitFailure extends Error {
  constructor(
    readonly reason: CommitFailureReason,
    message: string,
    options: { readonly cause?: unknown; readonly write?: Write; readonly transaction?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CommitFailure';
    this.write = options.write;
    this.transaction = options.transaction ?? 0;
  }

  /** The write whose condition failed, when one did. */
  readonly write: Write | undefined;
  /** Index of the plan's transaction that failed; those before it committed. */
  readonly transaction: number;
}

export function isCommitFailure(error: unknown, ...reasons: CommitFailureReason[]): error is CommitFailure {
  return error instanceof CommitFailure && (reasons.length === 0 || reasons.includes(error.reason));
}

/**
 * Items one transaction gives to the resource and its memberships: DynamoDB allows 100 items per
 * transaction, and up to three event rows (Group Updated, Members Added, Members Removed) plus one
 * log row take the rest with room to spare. An added member costs two items (the membership and the
 * check that the member exists), a removed one one.
 */
export const MEMBERSHIP_ITEMS_PER_TRANSACTION = 95;

export { MEMBERS_PER_EVENT };

export interface MemberChange {
  readonly memberId: string;
  readonly add: boolean;
}

/** Splits membership changes so each chunk fits one transaction (adds cost two items, removes one). */
export function chunkMemberChanges(changes: readonly MemberChange[], reservedItems = 0): MemberChange[][] {
  const result: MemberChange[][] = [];
  let current: MemberChange[] = [];
  let items = reservedItems;
  for (const change of changes) {
    const cost = change.add ? 2 : 1;
    if (
      current.length > 0 &&
      (items + cost > MEMBERSHIP_ITEMS_PER_TRANSACTION || current.length >= MEMBERS_PER_EVENT)
    ) {
      result.push(current);
      current = [];
      items = 0;
    }
    current.push(change);
    items += cost;
  }
  if (current.length > 0) result.push(current);
  return result;
}
