import { hkdfSync, randomUUID, webcrypto } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import {
  accessTokenAudience,
  ACCESS_TOKEN_ISSUER,
  looksLikeAccessToken,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  type AccessTokenClaims,
  type AccessTokenSubject,
} from './access-token-claims';
import { keyFor, type TokenKeyRing } from './tokens';

/**
 * OAuth access tokens (docs/security.md "OAuth access tokens"): JWTs (RFC 9068 profile) signed with
 * HS256 under a key derived (HKDF, RFC 5869) from the service's token keyring, so they are verified
 * with no table read and no extra secret; `kid` is the keyring version, so a key rotation keeps
 * tokens signed under the previous version valid until they expire.
 */
/** RFC 9068 §2.1: the `typ` of a JWT access token. */
const ACCESS_TOKEN_TYPE = 'at+jwt';
/** HKDF `info`: a key for access tokens only, independent of the digest keys it is derived from. */
const KEY_PURPOSE = 'scim-directory oauth access token signing v1';
/** Lambdas share AWS's clock; a few seconds cover what drift there is. */
const CLOCK_TOLERANCE_SECONDS = 5;

const derivedKeys = new Map<string, Promise<CryptoKey>>();

/**
 * The HS256 key of one keyring version, derived and imported into WebCrypto once per container
 * (jose re-imports a raw Uint8Array key on every call, which costs more than the HMAC itself).
 */
function signingKey(ring: TokenKeyRing, version: string): Promise<CryptoKey> | undefined {
  const secret = keyFor(ring, version);
  if (secret === undefined) return undefined;
  const cacheKey = `${version}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    const bytes = new Uint8Array(hkdfSync('sha256', secret, '', KEY_PURPOSE, 32));
    key = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]) as Promise<CryptoKey>;
    if (derivedKeys.size > 16) derivedKeys.clear();
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

/** Signs an access token for `subject` of `tenantId` under the keyring's current key. */
export async function signAccessToken(
  input: { readonly tenantId: string; readonly subject: AccessTokenSubject; readonly lifetimeSeconds: number },
  ring: TokenKeyRing,
  now: Date,
): Promise<{ token: string; expiresIn: number }> {
  const key = await signingKey(ring, ring.current);
  if (!key) throw new Error('The token keyring has no current key');
  const issuedAt = Math.floor(now.getTime() / 1000);
  const { subject } = input;
  const token = await new SignJWT({
    client_id: subject.kind === 'client' ? subject.clientId : subject.subject,
    ...(subject.kind === 'federation' ? { fed: subject.federationId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE, kid: ring.current })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(accessTokenAudience(input.tenantId))
    .setSubject(subject.kind === 'client' ? subject.clientId : subject.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + input.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(key);
  return { token, expiresIn: input.lifetimeSeconds };
}

/** The keyring version (`kid`) a well-formed access token names, undefined for anything else. */
export function accessTokenKeyVersion(presented: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(presented);
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The claims of a valid access token for `tenantId`, or undefined for anything else: a bad
 * signature, an unknown key version, another tenant's audience, expiry, `alg` other than HS256.
 */
export async function verifyAccessToken(
  presented: string,
  tenantId: string,
  ring: TokenKeyRing,
  now: Date,
): Promise<AccessTokenClaims | undefined> {
  if (!looksLikeAccessToken(presented)) return undefined;
  try {
    const { kid } = decodeProtectedHeader(presented);
    const key = typeof kid === 'string' ? await signingKey(ring, kid) : undefined;
    if (!key) return undefined;
    const { payload } = await jwtVerify(presented, key, {
      algorithms: ['HS256'],
      typ: ACCESS_TOKEN_TYPE,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: accessTokenAudience(tenantId),
      requiredClaims: ['exp', 'iat', 'sub', 'client_id'],
      // Also refuses an `iat` in the future (jose checks it only with a maximum age).
      maxTokenAge: MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const subject: AccessTokenSubject | undefined =
      typeof payload.fed === 'string'
        ? { kind: 'federation', federationId: payload.fed, subject: String(payload.sub) }
        : typeof payload.client_id === 'string'
          ? { kind: 'client', clientId: payload.client_id }
          : undefined;
    return subject && payload.exp !== undefined ? { tenantId, subject, expiresAt: payload.exp } : undefined;
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
    throw error;
  }
}
