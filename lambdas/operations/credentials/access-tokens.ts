import { ScimError } from '../../scim/errors';
import { isAccessTokenLive, type AccessTokenClaims } from '../../tenancy/access-token-claims';
import type { TenantRecord } from '../../tenancy/tenant';
import { keyFor, type TokenKeyRing } from '../../tenancy/tokens';

export interface AccessTokenAuthenticated {
  readonly tenant: TenantRecord;
  readonly accessToken: AccessTokenClaims;
  /** No Secret Token was involved. */
  readonly token?: undefined;
}

/**
 * Authenticates a SCIM request by OAuth access token: the signature, audience (= this tenant) and
 * expiry are checked offline first, so a forged, foreign or expired token costs no table read; then
 * the (cached) tenant record must still trust the client or federation the token was issued to.
 * `keyRing(recheck)` is the Authenticator's cached keyring; `recheck` asks for a fresh one when the
 * token names a key version it lacks (a rotation). `tenantRecord(recheck)` is the Authenticator's cached read; `recheck` asks for a fresh record when
 * the cached one is old enough (a client created after it was cached). Every failure is the same 401.
 */
export async function authenticateAccessToken(
  tenantId: string,
  presented: string,
  keyRing: (recheck: boolean) => Promise<TokenKeyRing>,
  now: Date,
  tenantRecord: (recheck: boolean) => Promise<TenantRecord | undefined>,
): Promise<AccessTokenAuthenticated> {
  // Loaded on first use: a container that only ever sees Secret Tokens never initialises jose
  // (module init is a cold-start target, ../shared/DESIGN.md "What good looks like").
  const { accessTokenKeyVersion, verifyAccessToken } = await import('../../tenancy/access-tokens');
  let ring = await keyRing(false);
  // A key version this container has not loaded yet: the keyring was rotated after it was cached.
  const version = accessTokenKeyVersion(presented);
  if (version !== undefined && keyFor(ring, version) === undefined) ring = await keyRing(true);
  const claims = await verifyAccessToken(presented, tenantId, ring, now);
  if (!claims) throw ScimError.unauthorized();
  let tenant = await tenantRecord(false);
  if (!tenant || !isAccessTokenLive(tenant, claims, now)) tenant = await tenantRecord(true);
  if (!tenant || !isAccessTokenLive(tenant, claims, now)) throw ScimError.unauthorized();
  return { tenant, accessToken: claims };
}
