import type { ProfileSettings } from './profile';
import { digestToken, digestsEqual, isWellFormedToken, keyFor, type TokenKeyRing } from './tokens';

export type TenantStatus = 'connected' | 'disconnected';

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
  /** Attribute mapping and ownership policy (docs/ownership.md); defaults when absent. */
  readonly profile?: ProfileSettings;
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
  return token.revokedAt === undefined && (token.expiresAt === undefined || Date.parse(token.expiresAt) > now.getTime());
}

/**
 * Finds the live token of a connected tenant that `presented` is, comparing digests in constant time.
 * Every live token is compared (no early exit) so timing does not reveal which one matched.
 */
export function matchToken(tenant: TenantRecord, presented: string, ring: TokenKeyRing, now: Date): TokenRecord | undefined {
  if (tenant.status !== 'connected' || !isWellFormedToken(presented)) return undefined;
  let match: TokenRecord | undefined;
  for (const token of tenant.tokens) {
    if (!isLiveToken(token, now)) continue;
    const key = keyFor(ring, token.keyVersion);
    if (key === undefined) continue;
    if (digestsEqual(digestToken(presented, key), token.digest) && match === undefined) match = token;
  }
  return match;
}

/** Why a SCIM write to this tenant is refused, or undefined: a Graph-connected tenant takes no SCIM push. */
export function scimWriteRefusal(tenant: TenantRecord): string | undefined {
  if (tenant.directorySource !== 'graph') return undefined;
  return `Tenant "${tenant.tenantId}" is pulled from Microsoft Graph (scim-admin sync connect): SCIM writes are refused until "scim-admin sync disconnect ${tenant.tenantId}" (docs/graph-sync.md).`;
}
