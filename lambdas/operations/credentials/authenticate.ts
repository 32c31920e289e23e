import { ScimError } from '../../scim/errors';
import { isValidTenantId, matchTokenEvenly, type TenantRecord, type TokenRecord } from '../../tenancy/tenant';
import { keyFor, type TokenKeyRing } from '../../tenancy/tokens';
import { looksLikeAccessToken } from '../../tenancy/access-token-claims';
import { authenticateAccessToken, type AccessTokenAuthenticated } from './access-tokens';
import { TtlCache } from './ttl-cache';
import type { Dependencies } from '../ports';

/**
 * How long a Lambda container trusts a tenant record it has read. A revoked or expired token, or a
 * disconnect, takes effect within this bound (docs/operations.md).
 */
export const TENANT_CACHE_TTL_MS = 30_000;
/** How long a container keeps the token keyring before asking Secrets Manager again. */
export const KEY_CACHE_TTL_MS = 5 * 60_000;

/**
 * A token's last use is written at most this often per token (conditionally, and remembered per
 * container), so authentication stays read-only for nearly every request.
 */
export const TOKEN_USE_WRITE_INTERVAL_MS = 60 * 60_000;

/**
 * An access token under a key version the cached keyring lacks (a rotation another container saw
 * first) makes the keyring be loaded again at most this often, so forged key ids stay cheap.
 */
export const KEY_RECHECK_AFTER_MS = 10_000;

/** A token the cached record does not know makes the record be read again once it is this old. */
export const RECHECK_AFTER_MS = 1_000;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export interface Authenticated {
  readonly tenant: TenantRecord;
  readonly token: TokenRecord;
}

/**
 * Checks `Authorization: Bearer <token>` against the tenant in the path. Unknown tenant, disconnected
 * tenant, missing, malformed, revoked, expired or foreign token: all read as the same 401.
 */
export class Authenticator {
  private readonly tenantCache: TtlCache<TenantRecord | undefined>;
  private readonly keyCache: TtlCache<TokenKeyRing>;
  private readonly usesRecorded = new Map<string, number>();
  private ringRecheckedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: Pick<Dependencies, 'tenants' | 'tokenKeys' | 'clock'>) {
    this.tenantCache = new TtlCache(TENANT_CACHE_TTL_MS, deps.clock);
    this.keyCache = new TtlCache(KEY_CACHE_TTL_MS, deps.clock, 1);
  }

  async authenticate(
    tenantId: string,
    authorization: string | undefined,
  ): Promise<Authenticated | AccessTokenAuthenticated> {
    const presented = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (presented === undefined || !isValidTenantId(tenantId)) throw ScimError.unauthorized();
    // An OAuth access token (a JWT; docs/security.md "OAuth access tokens"): verified offline.
    if (looksLikeAccessToken(presented)) {
      return authenticateAccessToken(
        tenantId,
        presented,
        (recheck) => this.cachedRing(recheck),
        this.deps.clock.now(),
        (recheck) => this.cachedTenant(tenantId, recheck),
      );
    }
    let ring = await this.cachedRing(false);
    let found = await this.lookup(tenantId, presented, ring);
    // A token issued (or a tenant created) after this container cached the record: read it again,
    // at most once per RECHECK_AFTER_MS per tenant, so a flood of wrong tokens stays cheap.
    if (!found.token && this.tenantCache.age(tenantId) >= RECHECK_AFTER_MS) {
      this.tenantCache.delete(tenantId);
      found = await this.lookup(tenantId, presented, ring);
    }
    // A token issued under a key this container has not loaded yet (the keyring was rotated since
    // it cached it): load the keyring again, at most once per KEY_RECHECK_AFTER_MS.
    if (!found.token && found.tenant?.tokens.some((token) => keyFor(ring, token.keyVersion) === undefined)) {
      ring = await this.cachedRing(true);
      found = await this.lookup(tenantId, presented, ring);
    }
    const { tenant, token } = found;
    if (!tenant || !token) throw ScimError.unauthorized();
    await this.recordUse(tenantId, token.id);
    return { tenant, token };
  }

  /** Same work whether the tenant exists or not (cache read, MAX_LIVE_TOKENS digests): timing tells nothing (T20). */
  private async lookup(
    tenantId: string,
    presented: string,
    ring: TokenKeyRing,
  ): Promise<{ tenant?: TenantRecord; token?: TokenRecord }> {
    const tenant = await this.tenantCache.get(tenantId, () => this.deps.tenants.getTenant(tenantId));
    const token = matchTokenEvenly(tenant, presented, ring, this.deps.clock.now());
    return { ...(tenant ? { tenant } : {}), ...(token ? { token } : {}) };
  }

  /** The cached keyring; `recheck` loads it again unless that was done less than KEY_RECHECK_AFTER_MS ago. */
  private cachedRing(recheck: boolean): Promise<TokenKeyRing> {
    const now = this.deps.clock.now().getTime();
    if (recheck && now - this.ringRecheckedAt >= KEY_RECHECK_AFTER_MS) {
      this.ringRecheckedAt = now;
      this.keyCache.expire('ring');
    }
    return this.keyCache.get('ring', () => this.deps.tokenKeys.getKeyRing());
  }

  /** The cached tenant record; `recheck` reads it again when it is at least RECHECK_AFTER_MS old. */
  private cachedTenant(tenantId: string, recheck: boolean): Promise<TenantRecord | undefined> {
    if (recheck && this.tenantCache.age(tenantId) >= RECHECK_AFTER_MS) this.tenantCache.delete(tenantId);
    return this.tenantCache.get(tenantId, () => this.deps.tenants.getTenant(tenantId));
  }

  /** Best effort: a failure to record a token's use must never fail the request it authenticated. */
  private async recordUse(tenantId: string, tokenId: string): Promise<void> {
    const key = `${tenantId}/${tokenId}`;
    const now = this.deps.clock.now();
    if (now.getTime() - (this.usesRecorded.get(key) ?? 0) < TOKEN_USE_WRITE_INTERVAL_MS) return;
    this.usesRecorded.set(key, now.getTime());
    const notBefore = new Date(now.getTime() - TOKEN_USE_WRITE_INTERVAL_MS).toISOString();
    await this.deps.tenants.recordTokenUse(tenantId, tokenId, now.toISOString(), notBefore).catch(() => undefined);
  }

  /** Forgets a tenant record (after this container changed it). */
  forget(tenantId: string): void {
    this.tenantCache.delete(tenantId);
  }
}
