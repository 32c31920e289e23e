import type { ChangeEvent } from '../events/catalog';
import type { ScimObject } from '../scim/resources/normalize';
import type { LogEntry, LogQuery } from '../tenancy/provisioning-log';
import type { TenantRecord } from '../tenancy/tenant';
import type { TokenKeyRing } from '../tenancy/tokens';
import type { GuardSettings, Hold, RemovalWindow } from '../tenancy/removal-guard';
import type { HeldChange, MemberType, WritePlan } from './writes/write-plan';

/** A stored resource: the normalised SCIM document plus the server-owned metadata. */
export interface StoredResource {
  readonly id: string;
  /** Starts at 1, +1 per change; meta.version and the ETag are derived from it. */
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  /** Canonical attributes (no id, meta, schemas, members, groups): what the directory sent. */
  readonly data: ScimObject;
  /** A delete has begun (WriteStore.beginDelete): no write but that delete may change it now. */
  readonly deleting?: true;
  /**
   * The removal guard's hold this user's last removal is held behind: while that hold is in force,
   * every later change of the user is held too, so no event reveals the held removal.
   */
  readonly heldBy?: string;
  /** Values the user entered in the signature portal, by profile field (users only; docs/ownership.md). */
  readonly userValues?: Readonly<Record<string, string | null>>;
}

/** Keys a user can be found by in O(1), whatever the tenant's size (docs/data-model.md). */
export type UserLookupKey = 'userName' | 'externalId' | 'workEmail';

/** One page of a tenant's resources in id order; `lastId` resumes after it (absent on the last page). */
export interface ResourcePage {
  readonly items: readonly StoredResource[];
  readonly lastId?: string;
}

/** Where a page of a listing starts: after an id (cursor), or at a 1-based position (startIndex). */
export type PageStart = { readonly afterId?: string } | { readonly startIndex: number };

/** Reads of users, tenant by tenant (writes go through WriteStore). Adapters translate storage faults to ScimErrors. */
export interface DirectoryStore {
  getUser(tenantId: string, id: string): Promise<StoredResource | undefined>;
  /** Up to 100 users by id, in no particular order; missing ids are skipped. */
  getUsers(tenantId: string, ids: readonly string[]): Promise<StoredResource[]>;
  /** Ids of users whose `key` equals `value` (userName and workEmail case-insensitively). */
  findUserIds(tenantId: string, key: UserLookupKey, value: string): Promise<string[]>;
  /** Up to `limit` users in id order from `start`. */
  listUsers(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage>;
  /** How many users or groups the tenant has (kept by the create and delete transactions). */
  countResources(tenantId: string, resourceType: 'User' | 'Group'): Promise<number>;
}

/** Keys a group can be found by in O(1). */
export type GroupLookupKey = 'externalId' | 'displayName';

/** A membership change to write: ids known to be absent (add) or present (remove). */
export interface MembershipWrite {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/** Reads of groups and their memberships (one item per member, docs/data-model.md); writes go through WriteStore. */
export interface GroupStore {
  getGroup(tenantId: string, id: string): Promise<StoredResource | undefined>;
  getGroups(tenantId: string, ids: readonly string[]): Promise<StoredResource[]>;
  findGroupIds(tenantId: string, key: GroupLookupKey, value: string): Promise<string[]>;
  listGroups(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage>;
  /** Member ids of the group in id order, after `afterId` when given; stops after `limit` ids. */
  listMembers(tenantId: string, groupId: string, limit: number, afterId?: string): Promise<string[]>;
  /** The subset of `memberIds` that are members of the group (one BatchGetItem per 100 ids). */
  presentMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<Set<string>>;
  /** The group and which of `memberIds` are its members, in one BatchGetItem (up to 99 ids). */
  getGroupWithMembership(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
  ): Promise<{ group?: StoredResource; present: Set<string> }>;
  /** Ids of the groups the member belongs to. */
  groupsOf(tenantId: string, memberId: string): Promise<string[]>;
  /** Which of `ids` are users or groups of this tenant (not being deleted), and which of the two. */
  existingMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>>;
}

/**
 * The one write path (docs/data-model.md "Write path"). Every method throws CommitFailure
 * (write-plan.ts) for what the use case must decide on; nothing here builds events or calls back.
 */
export interface WriteStore {
  /** Commits the plan's transactions in order, each with its events and log entry, or throws. */
  commit(plan: WritePlan): Promise<void>;
  /**
   * Reserves `count` consecutive versions of a group for membership changes, without a transaction
   * (so concurrent membership writers never conflict); `notFound` when the group is gone or being
   * deleted, `versionConflict` when `expectedVersion` is given and stale. Sets lastModified to `at`.
   * Returns the first version.
   */
  reserveVersions(
    tenantId: string,
    groupId: string,
    count: number,
    at: string,
    expectedVersion?: number,
  ): Promise<number>;
  /**
   * Marks a user or group as being deleted and bumps its version: from then on no membership of it
   * can commit and no other write changes it. Returns the marked resource (`notFound`, `versionConflict`).
   */
  beginDelete(
    tenantId: string,
    resourceType: MemberType,
    id: string,
    expectedVersion?: number,
  ): Promise<StoredResource>;
  /** Removes every membership of a member (as member), or of a group (its members), idempotently. */
  sweepMemberships(
    tenantId: string,
    target: { readonly memberId: string } | { readonly groupId: string },
  ): Promise<void>;
}

/** A tenant's removal guard as stored (docs/removal-guard.md); settings are the defaults until set. */
export interface GuardState {
  readonly settings: GuardSettings;
  /** The removal counters; absent before the first removal. */
  readonly window?: RemovalWindow;
  readonly hold?: Hold;
  /** Holds started so far: the next `Removals Held` event's version is one more. */
  readonly holds: number;
  /** A release or reject under way, until when (a crashed one frees it at `until`). */
  readonly lock?: { readonly kind: GuardAction; readonly until: string };
}

export type GuardAction = 'release' | 'reject';

/** One page of held changes, oldest first; `cursor` resumes after it. */
export interface HeldPage {
  readonly items: readonly HeldChange[];
  readonly cursor?: string;
}

/**
 * The removal guard's storage: one item per tenant for the settings, counters, hold and lock, and
 * one row per held change. Held changes themselves are written by WriteStore.commit (holdEvent).
 */
export interface GuardStore {
  getGuard(tenantId: string): Promise<GuardState>;
  putSettings(tenantId: string, settings: GuardSettings): Promise<void>;
  /**
   * Counts one removal at `atMs` in its fixed window (rotating the counters when the window moved
   * on); the counters after it. `seen`: the counters as just read (GuardState.window), saving a read.
   */
  countRemoval(tenantId: string, atMs: number, windowSeconds: number, seen?: RemovalWindow): Promise<RemovalWindow>;
  /**
   * Takes back one removal counted in window `index` (its change did not commit): from the current
   * counter while that window is current, from `previous` once it is the one before, else nothing.
   */
  uncountRemoval(tenantId: string, index: number, windowSeconds: number): Promise<void>;
  /**
   * Starts `hold` unless one is in force, committing `event` (Removals Held) with it; returns the hold
   * in force afterwards, this one or the one another removal started first.
   */
  startHold(tenantId: string, hold: Hold, event: ChangeEvent): Promise<Hold>;
  /** Lifts the hold (when it is `holdId`) and restarts counting at `atMs`. */
  endHold(tenantId: string, holdId: string | undefined, atMs: number, windowSeconds: number): Promise<void>;
  /** Takes the release/reject lock until `untilMs`; false while another one holds it. */
  lock(tenantId: string, kind: GuardAction, atMs: number, untilMs: number): Promise<boolean>;
  unlock(tenantId: string, kind: GuardAction): Promise<void>;
  listHeld(tenantId: string, limit: number, cursor?: string): Promise<HeldPage>;
}

/** Tenant records (the token digests live in them). */
export interface TenantStore {
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;
  /** Every tenant record, in id order (admin only: one Query of the tenant registry). */
  listTenants(): Promise<TenantRecord[]>;
  /** Creates the tenant; throws when it exists. */
  createTenant(tenant: TenantRecord): Promise<void>;
  /** Replaces the tenant record when its stored version is `expectedVersion`, with the change's events. */
  updateTenant(tenant: TenantRecord, expectedVersion: number, events?: readonly ChangeEvent[]): Promise<void>;
  /** Records a token's use unless one was recorded after `notBefore` (so most requests write nothing). */
  recordTokenUse(tenantId: string, tokenId: string, at: string, notBefore: string): Promise<void>;
  /** When each token was last used, by token id. */
  tokenUses(tenantId: string): Promise<Record<string, string>>;
  /** Deletes every item of the tenant but its record, reporting progress as items deleted so far; returns how many. */
  purgeTenantData(tenantId: string, onProgress?: (deleted: number) => void): Promise<number>;
  /** Deletes the tenant record itself when its version is still `expectedVersion` (the end of a purge). */
  deleteTenantRecord(tenantId: string, expectedVersion: number): Promise<void>;
}

/** A tenant's provisioning log (docs/operations.md). */
export interface ProvisioningLog {
  /** Writes one entry (failed requests; committed changes write theirs in their own transaction). */
  append(entry: LogEntry): Promise<void>;
  /** Entries newest first. */
  list(tenantId: string, query: LogQuery): Promise<LogEntry[]>;
}

/** The service's token keyring (Secrets Manager in AWS, a file locally). */
export interface TokenKeys {
  getKeyRing(): Promise<TokenKeyRing>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

/** Everything an operation may touch, passed in (STYLE.md "Dependencies are passed in"). */
export interface Dependencies {
  readonly directory: DirectoryStore;
  readonly groups: GroupStore;
  readonly writes: WriteStore;
  readonly guard: GuardStore;
  readonly tenants: TenantStore;
  readonly log: ProvisioningLog;
  readonly tokenKeys: TokenKeys;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
