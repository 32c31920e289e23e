import type { FederationRecord, OAuthClientRecord } from './oauth-clients';
import type { ProfileSettings } from './profile';
import { digestToken, digestsEqual, isWellFormedToken, keyFor, type TokenKeyRing } from './tokens';

/** `purging`: `tenant delete --purge` has begun; no credential opens it and its id cannot be created again until the purge ends. */
export type TenantStatus = 'connected' | 'disconnected' | 'purging';

/** One issued token: only its digest is kept, never the plaintext. */
export interface TokenRecord {
  readonly id: string;
  readonly label: string;
  readonly digest: string;
  /** Version of the service key that made `digest`, so tokens survive a key rotation. */
  readonly keyVersion: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

export interface TenantRecord {
  /** URL-safe slug, the last segment of the Tenant URL. */
  readonly tenantId: string;
  readonly displayName: string;
  readonly status: TenantStatus;
  readonly createdAt: string;
  readonly tokens: readonly TokenRecord[];
  readonly version: number;
  /** When the purge began (status `purging`): writes admitted before it are over once the caches expire. */
  readonly purgingSince?: string;
  /** Attribute mapping and ownership policy (docs/ownership.md); defaults when absent. */
  readonly profile?: ProfileSettings;
  /** OAuth 2.0 clients (docs/security.md "OAuth"); absent on records made before OAuth. */
  readonly oauthClients?: readonly OAuthClientRecord[];
  /** Workload identity federation trust (RFC 7523); absent when not federated. */
  readonly federation?: FederationRecord;
  /** Setup links (docs/portal.md): links and sessions of an older generation are revoked. @default generation 0 */
  readonly portal?: { readonly linkGeneration: number };
  /**
   * Where the directory comes from: SCIM push (absent or `scim`) or a Microsoft Graph pull
   * (`graph`, set by `scim-admin sync connect`; docs/graph-sync.md "Switching"). One at a time.
   */
  readonly directorySource?: 'scim' | 'graph';
}

/** Tenant ids are URL path segments and key prefixes: lower-case letters, digits and inner hyphens. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** At most two live tokens per tenant: enough to rotate without downtime (DESIGN.md). */
export const MAX_LIVE_TOKENS = 2;

export function isValidTenantId(tenantId: string): boolean {
  return TENANT_ID_PATTERN.test(tenantId);
}

/** A token is live when it is neither revoked nor past its expiry. */
export function isLiveToken(token: TokenRecord, now: Date): boolean {
  return (
    token.revokedAt === undefined && (token.expiresAt === undefined || Date.parse(token.expiresAt) > now.getTime())
  );
}

/**
 * Finds the live token of a connected tenant that `presented` is, comparing digests in constant time.
 * Every live token is compared (no early exit) so timing does not reveal which one matched.
 */
export function matchToken(
  tenant: TenantRecord,
  presented: string,
  ring: TokenKeyRing,
  now: Date,
): TokenRecord | undefined {
  return matchTokenEvenly(tenant, presented, ring, now);
}

/** Compared against when a slot has no live token: never the digest of any token. */
const NO_TOKEN_DIGEST = 'A'.repeat(43);

/**
 * matchToken with the same work whatever the tenant: an unknown or disconnected tenant, or one with
 * fewer live tokens, still has MAX_LIVE_TOKENS digests computed and compared (against a digest no
 * token has), so a wrong token's timing does not tell which tenants exist (docs/security.md T20).
 * `digest` is the digest function (a parameter so tests can count the work).
 */
export function matchTokenEvenly(
  tenant: TenantRecord | undefined,
  presented: string,
  ring: TokenKeyRing,
  now: Date,
  digest: (token: string, key: string) => string = digestToken,
): TokenRecord | undefined {
  if (!isWellFormedToken(presented)) return undefined;
  const live =
    tenant?.status === 'connected'
      ? tenant.tokens.filter((token) => isLiveToken(token, now) && keyFor(ring, token.keyVersion) !== undefined)
      : [];
  const fallbackKey = keyFor(ring, ring.current) ?? '';
  let match: TokenRecord | undefined;
  for (let slot = 0; slot < Math.max(MAX_LIVE_TOKENS, live.length); slot += 1) {
    const token = live[slot];
    const key = token ? (keyFor(ring, token.keyVersion) as string) : fallbackKey;
    const equal = digestsEqual(digest(presented, key), token?.digest ?? NO_TOKEN_DIGEST);
    if (equal && token && match === undefined) match = token;
  }
  return match;
}

/** Why a SCIM write to this tenant is refused, or undefined: a Graph-connected tenant takes no SCIM push. */
export function scimWriteRefusal(tenant: TenantRecord): string | undefined {
  if (tenant.directorySource !== 'graph') return undefined;
  return `Tenant "${tenant.tenantId}" is pulled from Microsoft Graph (scim-admin sync connect): SCIM writes are refused until "scim-admin sync disconnect ${tenant.tenantId}" (docs/graph-sync.md).`;
}
