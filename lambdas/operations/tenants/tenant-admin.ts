import {
  isLiveToken,
  isValidTenantId,
  MAX_LIVE_TOKENS,
  TENANT_ID_PATTERN,
  type TenantRecord,
  type TokenRecord,
} from '../../tenancy/tenant';
import { digestToken, generateToken } from '../../tenancy/tokens';
import { revokedOAuth } from '../credentials/oauth-admin';
import { AdminError } from '../admin-error';
import { MAX_REQUEST_MS } from '../../contracts/limits';
import { TENANT_CACHE_TTL_MS } from '../credentials/authenticate';
import type { Dependencies } from '../ports';
import type { ReconcileOptions } from '../profiles/profile-admin';
import { writeTenantChange } from './connection-change';
import { purgingRefusal, tenantToChange } from './tenant-to-change';

export { AdminError } from '../admin-error';

export interface IssuedToken {
  readonly tenant: TenantRecord;
  readonly record: TokenRecord;
  /** The plaintext: shown once, never stored. */
  readonly token: string;
}

export interface TokenOptions {
  readonly label?: string;
  readonly expiresAt?: string;
}

type AdminDeps = Pick<Dependencies, 'tenants' | 'tokenKeys' | 'clock' | 'ids' | 'directory' | 'writes' | 'guard'>;

async function newTokenRecord(deps: AdminDeps, options: TokenOptions): Promise<{ record: TokenRecord; token: string }> {
  const ring = await deps.tokenKeys.getKeyRing();
  const token = generateToken();
  const key = ring.keys[ring.current] as string;
  const record: TokenRecord = {
    id: deps.ids.newId().slice(0, 8),
    label: options.label ?? 'default',
    digest: digestToken(token, key),
    keyVersion: ring.current,
    createdAt: deps.clock.now().toISOString(),
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
  };
  return { record, token };
}

/** Creates a connected tenant with its first token. */
export async function createTenant(
  deps: AdminDeps,
  tenantId: string,
  options: { displayName?: string } & TokenOptions = {},
): Promise<IssuedToken> {
  if (!isValidTenantId(tenantId)) {
    throw new AdminError(
      `Tenant id "${tenantId}" is not a URL-safe slug (${TENANT_ID_PATTERN.source}): use lower-case letters, digits and hyphens.`,
    );
  }
  const existing = await deps.tenants.getTenant(tenantId);
  if (existing?.status === 'purging') throw new AdminError(purgingRefusal(tenantId));
  if (existing) throw new AdminError(`Tenant "${tenantId}" exists already.`);
  const { record, token } = await newTokenRecord(deps, options);
  const createdAt = deps.clock.now();
  const tenant: TenantRecord = {
    tenantId,
    displayName: options.displayName ?? tenantId,
    status: 'connected',
    createdAt: createdAt.toISOString(),
    tokens: [record],
    version: 1,
    // Setup links and portal sessions are stateless and carry the generation; starting it at the
    // creation time means those of a purged tenant (generation 0 plus its revokes) never open a
    // tenant created later with the same id (docs/portal.md "Revocable").
    portal: { linkGeneration: createdAt.getTime() },
  };
  await deps.tenants.createTenant(tenant);
  return { tenant, record, token };
}

/** Issues another token; refused when the tenant already has MAX_LIVE_TOKENS live ones. */
export async function issueToken(deps: AdminDeps, tenantId: string, options: TokenOptions = {}): Promise<IssuedToken> {
  const tenant = await tenantToChange(deps, tenantId);
  const now = deps.clock.now();
  const live = tenant.tokens.filter((candidate) => isLiveToken(candidate, now));
  if (live.length >= MAX_LIVE_TOKENS) {
    throw new AdminError(
      `Tenant "${tenantId}" already has ${MAX_LIVE_TOKENS} live tokens (${live.map((t) => t.id).join(', ')}): revoke one first.`,
    );
  }
  const { record, token } = await newTokenRecord(deps, options);
  const updated: TenantRecord = { ...tenant, tokens: [...tenant.tokens, record], version: tenant.version + 1 };
  await deps.tenants.updateTenant(updated, tenant.version);
  return { tenant: updated, record, token };
}

/** Revokes one token; it stops working within the tenant cache TTL (docs/operations.md). */
export async function revokeToken(deps: AdminDeps, tenantId: string, tokenId: string): Promise<TenantRecord> {
  const tenant = await tenantToChange(deps, tenantId);
  const target = tenant.tokens.find((candidate) => candidate.id === tokenId);
  if (!target) throw new AdminError(`Tenant "${tenantId}" has no token "${tokenId}".`);
  if (target.revokedAt) return tenant;
  const revokedAt = deps.clock.now().toISOString();
  const updated: TenantRecord = {
    ...tenant,
    tokens: tenant.tokens.map((candidate) => (candidate.id === tokenId ? { ...candidate, revokedAt } : candidate)),
    version: tenant.version + 1,
  };
  await deps.tenants.updateTenant(updated, tenant.version);
  return updated;
}

/**
 * Disconnects SCIM: every token is revoked and SCIM requests get the same 401 as a wrong token
 * (within the tenant cache TTL). Accounts stay, becoming manual accounts (`Tenant Disconnected`).
 */
export async function disconnectTenant(
  deps: AdminDeps,
  tenantId: string,
  options: ReconcileOptions = {},
): Promise<TenantRecord> {
  const tenant = await tenantToChange(deps, tenantId);
  if (tenant.status === 'disconnected') throw new AdminError(`Tenant "${tenantId}" is already disconnected.`);
  const now = deps.clock.now().toISOString();
  const updated: TenantRecord = {
    ...tenant,
    status: 'disconnected',
    tokens: tenant.tokens.map((token) => (token.revokedAt ? token : { ...token, revokedAt: now })),
    ...revokedOAuth(tenant, now),
    version: tenant.version + 1,
  };
  await writeTenantChange(deps, tenant, updated, now, options);
  return updated;
}

/** Reconnects SCIM with a new token; Entra then re-matches existing users by userName or externalId. */
export async function reconnectTenant(
  deps: AdminDeps,
  tenantId: string,
  options: TokenOptions & ReconcileOptions = {},
): Promise<IssuedToken> {
  const tenant = await tenantToChange(deps, tenantId);
  if (tenant.status === 'connected')
    throw new AdminError(`Tenant "${tenantId}" is connected already; use "token issue" for another token.`);
  const { record, token } = await newTokenRecord(deps, {
    label: options.label ?? 'reconnect',
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
  });
  const now = deps.clock.now().toISOString();
  const updated: TenantRecord = {
    ...tenant,
    status: 'connected',
    tokens: [...tenant.tokens, record],
    version: tenant.version + 1,
  };
  await writeTenantChange(deps, tenant, updated, now, options);
  return { tenant: updated, record, token };
}

/** A tenant's tokens with when each was last used (never a digest). */
export async function listTokens(
  deps: AdminDeps,
  tenantId: string,
): Promise<Array<Omit<TokenRecord, 'digest'> & { readonly live: boolean }>> {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new AdminError(`Tenant "${tenantId}" does not exist.`);
  const uses = await deps.tenants.tokenUses(tenantId);
  const now = deps.clock.now();
  return tenant.tokens.map(({ digest: _digest, ...token }) => ({
    ...token,
    ...(uses[token.id] ? { lastUsedAt: uses[token.id] } : {}),
    live: isLiveToken({ ...token, digest: '' }, now),
  }));
}

/**
 * How long after a purge began no write of the tenant can still be under way: every container's
 * cached tenant record has expired (TENANT_CACHE_TTL_MS), so no new request authenticates, and a
 * request admitted just before has ended (the function timeout, MAX_REQUEST_MS), with margin.
 */
export const PURGE_QUIESCE_MS = TENANT_CACHE_TTL_MS + MAX_REQUEST_MS + 5_000;

/** Passes over the tenant's partitions a purge makes at most until one finds nothing left. */
const PURGE_PASSES = 5;

export interface PurgeOptions {
  readonly onProgress?: (deleted: number) => void;
  /** Told once how long the purge waits for writes already admitted to end. */
  readonly onWait?: (ms: number) => void;
  /** @default PURGE_QUIESCE_MS */
  readonly quiesceMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Deletes the tenant and every item it owns, so that nothing written meanwhile survives:
 * 1. the record becomes `purging` with no tokens (no credential opens it, its id cannot be created);
 * 2. the purge waits until every write admitted before that has ended (PURGE_QUIESCE_MS after it began);
 * 3. it deletes every item of the tenant but the record, and passes again until a pass finds nothing;
 * 4. it deletes the record: only then can the id be created again, empty.
 * A purge that stopped part-way (Ctrl-C, a crash) is finished by running it again.
 */
export async function deleteTenant(deps: AdminDeps, tenantId: string, options: PurgeOptions = {}): Promise<number> {
  let tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new AdminError(`Tenant "${tenantId}" does not exist.`);
  // The connector's client secret lives outside the table: `sync disconnect` deletes it first.
  if (tenant.directorySource === 'graph')
    throw new AdminError(
      `Tenant "${tenantId}" pulls from Microsoft Graph: run \`sync disconnect ${tenantId}\` first (it deletes the connector and its secret), then purge.`,
    );
  if (tenant.status !== 'purging') {
    const purging: TenantRecord = {
      ...tenant,
      status: 'purging',
      tokens: [],
      purgingSince: deps.clock.now().toISOString(),
      version: tenant.version + 1,
    };
    await deps.tenants.updateTenant(purging, tenant.version);
    tenant = purging;
  }
  const quietAt =
    Date.parse(tenant.purgingSince ?? deps.clock.now().toISOString()) + (options.quiesceMs ?? PURGE_QUIESCE_MS);
  const wait = quietAt - deps.clock.now().getTime();
  if (wait > 0) {
    options.onWait?.(wait);
    await (options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(wait);
  }
  let deleted = 0;
  for (let pass = 0; ; pass += 1) {
    const removed = await deps.tenants.purgeTenantData(tenantId, (count) => options.onProgress?.(deleted + count));
    deleted += removed;
    if (removed === 0 && pass > 0) break;
    if (pass >= PURGE_PASSES)
      throw new AdminError(`Tenant "${tenantId}" still had items after ${PURGE_PASSES} passes; run the purge again.`);
  }
  await deps.tenants.deleteTenantRecord(tenantId, tenant.version);
  return deleted + 1;
}

/** Parses `90d`, `12h`, `30m` into an expiry time after `now`. */
export function expiryFrom(text: string, now: Date): string {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  if (!match) throw new AdminError(`--expires-in "${text}" is not a duration like 90d, 12h or 30m.`);
  const amount = Number(match[1]);
  const unitMs = match[2] === 'd' ? 86_400_000 : match[2] === 'h' ? 3_600_000 : 60_000;
  if (amount <= 0) throw new AdminError('--expires-in must be positive.');
  return new Date(now.getTime() + amount * unitMs).toISOString();
}
