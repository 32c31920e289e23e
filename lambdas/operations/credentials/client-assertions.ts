import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { FederationRecord } from '../../tenancy/oauth-clients';
import { OAuthError } from '../../tenancy/oauth-request';
import { KeySetUnavailable, type AssertionReplays, type KeySets } from './oauth-ports';

/**
 * Asymmetric algorithms only (RFC 7523 §3 item 9; RFC 8725 §3.1): `none` and HS* are refused before
 * any key is looked up, so a public key can never be used as an HMAC secret.
 */
export const ASSERTION_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
/** Clock skew allowed on `exp`, `nbf` and `iat` (RFC 7519 §4.1.4 "some small leeway"). */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;
/**
 * Longest accepted assertion lifetime: Entra's tokens live 60–90 minutes (24 h at most under a
 * lifetime policy). It also bounds how long a `jti` is remembered.
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 24 * 3600;

const UNTRUSTED =
  "The assertion is not from the issuer this tenant trusts, or its signature does not verify against that issuer's keys.";

export interface AssertionDeps {
  readonly keySets: KeySets;
  readonly replays: AssertionReplays;
}

/**
 * Checks a JWT assertion against the tenant's federation (RFC 7523 §3): signature by a key of the
 * issuer's JWKS, `iss`, `aud`, `sub`, `exp` and (when present) `nbf`/`iat` with small skew, and a
 * `jti` not seen before.
 * Throws OAuthError `invalid_client` saying which check failed (the signature checks read alike).
 */
export async function verifyClientAssertion(
  deps: AssertionDeps,
  tenantId: string,
  federation: FederationRecord | undefined,
  assertion: string,
  now: Date,
): Promise<{ subject: string; jti: string }> {
  let alg: unknown;
  let unverifiedIssuer: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    unverifiedIssuer = decodeJwt(assertion).iss;
  } catch {
    throw new OAuthError('invalid_client', 'The assertion is not a signed JWT (RFC 7519 compact serialisation).');
  }
  if (typeof alg !== 'string' || !(ASSERTION_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new OAuthError(
      'invalid_client',
      `Assertion alg "${String(alg).slice(0, 16)}" is not accepted: sign with one of ${ASSERTION_ALGORITHMS.join(', ')}.`,
    );
  }
  // Checked before any fetch: an assertion from another issuer never makes us call its JWKS URL.
  if (!federation || unverifiedIssuer !== federation.issuer) throw new OAuthError('invalid_client', UNTRUSTED);

  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, deps.keySets.keySetFor(federation.jwksUrl), {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: federation.issuer,
      audience: federation.audience,
      subject: federation.subject,
      // No maxTokenAge: jose would then require `iat`, which RFC 7523 §3 item 6 leaves optional.
      requiredClaims: ['exp', 'jti'],
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    throw assertionFailure(error);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const { iat } = payload;
  if (iat !== undefined && iat > nowSeconds + ASSERTION_CLOCK_SKEW_SECONDS)
    throw new OAuthError('invalid_client', 'The assertion is not valid yet ("iat" is in the future).');
  if (iat !== undefined && nowSeconds - iat > MAX_ASSERTION_LIFETIME_SECONDS + ASSERTION_CLOCK_SKEW_SECONDS) {
    throw new OAuthError(
      'invalid_client',
      `The assertion was issued more than ${MAX_ASSERTION_LIFETIME_SECONDS / 3600} h ago (iat).`,
    );
  }
  const exp = payload.exp as number;
  if (exp - nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new OAuthError(
      'invalid_client',
      `The assertion expires too far in the future: at most ${MAX_ASSERTION_LIFETIME_SECONDS / 3600} h from now.`,
    );
  }
  const jti = payload.jti as string;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256)
    throw new OAuthError('invalid_client', 'The assertion needs a jti claim of 1 to 256 characters (RFC 7523 §3).');
  const fresh = await deps.replays.remember(
    tenantId,
    federation.issuer,
    jti,
    new Date((exp + ASSERTION_CLOCK_SKEW_SECONDS) * 1000),
  );
  if (!fresh)
    throw new OAuthError(
      'invalid_client',
      'The assertion was used before (its jti was seen): ask the issuer for a new one.',
    );
  return { subject: federation.subject, jti };
}

function assertionFailure(error: unknown): OAuthError {
  if (error instanceof KeySetUnavailable) {
    return new OAuthError(
      'invalid_client',
      `The trusted issuer's key set could not be used: ${error.message} Try again later.`,
    );
  }
  if (error instanceof errors.JWTExpired) return new OAuthError('invalid_client', 'The assertion has expired (exp).');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing')
      return new OAuthError('invalid_client', `The assertion lacks the "${error.claim}" claim (RFC 7523 §3).`);
    if (error.claim === 'nbf' || error.claim === 'iat')
      return new OAuthError('invalid_client', `The assertion is not valid yet ("${error.claim}" is in the future).`);
    return new OAuthError(
      'invalid_client',
      `The assertion's "${error.claim}" claim does not match this tenant's federation.`,
    );
  }
  if (error instanceof errors.JOSEError) return new OAuthError('invalid_client', UNTRUSTED);
  throw error;
}
