import type { ChangeEvent } from '../events/catalog';
import type { ScimObject } from '../scim/resources/normalize';
import type { TenantRecord } from '../tenancy/tenant';
import type { TokenKeyRing } from '../tenancy/tokens';

/** A stored resource: the normalised SCIM document plus the server-owned metadata. */
export interface StoredResource {
  readonly id: string;
  /** Starts at 1, +1 per change; meta.version and the ETag are derived from it. */
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  /** Canonical attributes (no id, meta, schemas, members, groups). */
  readonly data: ScimObject;
}

/** Keys a user can be found by in O(1), whatever the tenant's size (docs/data-model.md). */
export type UserLookupKey = 'userName' | 'externalId' | 'workEmail';

/** Users and groups of one table, tenant by tenant. Adapters translate storage faults to ScimErrors. */
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
}

/** Tenant records (the token digests live in them). */
export interface TenantStore {
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;
  /** Creates the tenant; throws when it exists. */
  createTenant(tenant: TenantRecord): Promise<void>;
  /** Replaces the tenant record when its stored version is `expectedVersion`. */
  updateTenant(tenant: TenantRecord, expectedVersion: number): Promise<void>;
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
  readonly tenants: TenantStore;
  readonly tokenKeys: TokenKeys;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
