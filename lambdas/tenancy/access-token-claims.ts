import { clientsOf, isLiveClient } from './oauth-clients';
import type { TenantRecord } from './tenant';

/**
 * What an OAuth access token says, and the checks that need no cryptography (docs/security.md
 * "OAuth access tokens"). Kept apart from the signing code (./access-tokens.ts, which loads jose) so
 * every SCIM Lambda loads jose only when an access token actually arrives.
 */
export const ACCESS_TOKEN_ISSUER = 'urn:scim-directory:oauth';

/** 1 hour: Entra expects 60 minutes to 6 hours and asks again before expiry. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const MIN_ACCESS_TOKEN_LIFETIME_SECONDS = 300;
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 6 * 3600;

/** Who an access token was issued to. */
export type AccessTokenSubject =
  | { readonly kind: 'client'; readonly clientId: string }
  | { readonly kind: 'federation'; readonly federationId: string; readonly subject: string };

export interface AccessTokenClaims {
  readonly tenantId: string;
  readonly subject: AccessTokenSubject;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** The audience that binds a token to one tenant: a token of tenant A never verifies for tenant B. */
export function accessTokenAudience(tenantId: string): string {
  return `urn:scim-directory:tenant:${tenantId}`;
}

/** Compact JWS shape (three base64url parts): tells an access token from a Secret Token offline. */
export function looksLikeAccessToken(presented: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(presented);
}

/**
 * Is what the token was issued to still trusted by the tenant record? A revoked or expired client,
 * a removed or replaced federation, or a disconnected tenant ends its tokens (within the tenant cache TTL).
 */
export function isAccessTokenLive(tenant: TenantRecord, claims: AccessTokenClaims, now: Date): boolean {
  if (tenant.status !== 'connected') return false;
  const { subject } = claims;
  if (subject.kind === 'federation')
    return tenant.federation?.id === subject.federationId && tenant.federation.subject === subject.subject;
  const client = clientsOf(tenant).find((candidate) => candidate.clientId === subject.clientId);
  return client !== undefined && isLiveClient(client, now);
}
