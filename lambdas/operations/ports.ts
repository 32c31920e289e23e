import type { ChangeEvent } from '../events/catalog';
import type { ScimObject } from '../scim/resources/normalize';
import type { LogEntry, LogQuery } from '../tenancy/provisioning-log';
import type { TenantRecord } from '../tenancy/tenant';
import type { TokenKeyRing } from '../tenancy/tokens';

/** A stored resource: the normalised SCIM document plus the server-owned metadata. */
export interface StoredResource {
  readonly id: string;
  /** Starts at 1, +1 per change; meta.version and the ETag are derived from it. */
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  /** Canonical attributes (no id, meta, schemas, members, groups): what the directory sent. */
  readonly data: ScimObject;
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

/** Users of one table, tenant by tenant. Adapters translate storage faults to ScimErrors. */
export interface DirectoryStore {
  /** Writes the user, its userName marker and its events in one transaction; 409 when userName is taken. */
  createUser(tenantId: string, user: StoredResource, events: readonly ChangeEvent[]): Promise<void>;
  getUser(tenantId: string, id: string): Promise<StoredResource | undefined>;
  /** Up to 100 users by id, in no particular order; missing ids are skipped. */
  getUsers(tenantId: string, ids: readonly string[]): Promise<StoredResource[]>;
  /** Ids of users whose `key` equals `value` (userName and workEmail case-insensitively). */
  findUserIds(tenantId: string, key: UserLookupKey, value: string): Promise<string[]>;
  /** Deletes the user (conditional on `user.version`), its marker, and writes its events; 404 when gone. */
  deleteUser(tenantId: string, user: StoredResource, events: readonly ChangeEvent[]): Promise<void>;
  /**
   * Replaces the user when its stored version is still `before.version` (412 otherwise); moves the
   * userName marker in the same transaction on a rename (409 when the new name is taken).
   */
  replaceUser(tenantId: string, before: StoredResource, after: StoredResource, events: readonly ChangeEvent[]): Promise<void>;
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

/**
 * Membership items one transaction carries besides the group item and its events (DynamoDB allows
 * 100 items per transaction); larger changes are written in chunks (docs/data-model.md).
 */
export const MEMBERS_PER_TRANSACTION = 95;

/** Groups and their memberships (one item per member, docs/data-model.md). */
export interface GroupStore {
  /** Writes the group, its count, at most MEMBERS_PER_TRANSACTION members and its events in one transaction. */
  createGroup(tenantId: string, group: StoredResource, members: readonly string[], events: readonly ChangeEvent[]): Promise<void>;
  getGroup(tenantId: string, id: string): Promise<StoredResource | undefined>;
  getGroups(tenantId: string, ids: readonly string[]): Promise<StoredResource[]>;
  findGroupIds(tenantId: string, key: GroupLookupKey, value: string): Promise<string[]>;
  listGroups(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage>;
  /** Member ids of the group in id order, after `afterId` when given; stops after `limit` ids. */
  listMembers(tenantId: string, groupId: string, limit: number, afterId?: string): Promise<string[]>;
  /** The subset of `memberIds` that are members of the group (one BatchGetItem per 100 ids). */
  presentMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<Set<string>>;
  /** Ids of the groups the member belongs to. */
  groupsOf(tenantId: string, memberId: string): Promise<string[]>;
  /** The subset of `ids` that are users or groups of this tenant. */
  existingMembers(tenantId: string, ids: readonly string[]): Promise<Set<string>>;
  /**
   * Replaces the group's attributes and applies membership changes, conditional on `before.version`
   * (412 when stale). Past one transaction the change is written in chunks, each bumping the
   * version; `eventsFor(chunk)` builds each chunk's events. Returns the final version.
   */
  updateGroup(
    tenantId: string,
    before: StoredResource,
    after: StoredResource,
    members: MembershipWrite,
    eventsFor: (chunk: { readonly version: number; readonly add: readonly string[]; readonly remove: readonly string[]; readonly first: boolean }) => ChangeEvent[],
  ): Promise<number>;
  /** Deletes the group's memberships, then the group and its events (conditional on `group.version`). */
  deleteGroup(tenantId: string, group: StoredResource, events: readonly ChangeEvent[]): Promise<void>;
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
  /** Deletes every item of the tenant, reporting progress as items deleted so far. */
  purgeTenant(tenantId: string, onProgress?: (deleted: number) => void): Promise<number>;
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
  readonly tenants: TenantStore;
  readonly log: ProvisioningLog;
  readonly tokenKeys: TokenKeys;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
