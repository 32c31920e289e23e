import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { keyFor, type TokenKeyRing } from './tokens';

/**
 * Setup links and portal sessions (docs/portal.md "Link, session and CSRF"). Both are
 * `<prefix>.<base64url JSON claims>.<base64url HMAC-SHA-256>`, signed with keys derived from the
 * service's token keyring (so they rotate with it and need no secret of their own). Each kind has its
 * own derived key and prefix, so a link never passes as a session or the other way round. Pure.
 */
export const LINK_PREFIX = 'spl1';
export const SESSION_PREFIX = 'sps1';

/** How long a session lasts after the link is opened; reopening the link starts a new one. */
export const SESSION_TTL_SECONDS = 60 * 60;
/** Default and longest life of a setup link. */
export const DEFAULT_LINK_TTL_SECONDS = 7 * 86_400;
export const MAX_LINK_TTL_SECONDS = 30 * 86_400;

/** What a setup link grants: the portal of one tenant until `exp`, while its link generation holds. */
export interface LinkClaims {
  /** Tenant id. */
  readonly t: string;
  /** The tenant's portal link generation when the link was made; `portal revoke` bumps it. */
  readonly g: number;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  /** Keyring version that signed it. */
  readonly kv: string;
  /** Random: every link is distinct. */
  readonly n: string;
}

/** A session: like a link, plus its own id (the CSRF token is derived from it). */
export interface SessionClaims {
  readonly t: string;
  readonly g: number;
  readonly exp: number;
  readonly kv: string;
  readonly sid: string;
}

type Purpose = 'link' | 'session' | 'csrf';

function derivedKey(ring: TokenKeyRing, version: string, purpose: Purpose): Buffer | undefined {
  const key = keyFor(ring, version);
  return key === undefined ? undefined : createHmac('sha256', key).update(`scim-portal/${purpose}/v1`).digest();
}

function mac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

function sign(prefix: string, purpose: Purpose, claims: { readonly kv: string }, ring: TokenKeyRing): string {
  const key = derivedKey(ring, claims.kv, purpose);
  if (!key) throw new Error(`The keyring has no key "${claims.kv}"`);
  const body = `${prefix}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** Claims of a well-signed, unexpired value, or undefined: every failure reads the same. */
function verify(
  prefix: string,
  purpose: Purpose,
  text: string,
  ring: TokenKeyRing,
  now: Date,
): Record<string, unknown> | undefined {
  if (text.length > 2048) return undefined;
  const parts = text.split('.');
  if (parts.length !== 3 || parts[0] !== prefix) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  const record = claims as Record<string, unknown>;
  if (typeof record.kv !== 'string') return undefined;
  const key = derivedKey(ring, record.kv, purpose);
  if (!key) return undefined;
  // The signature is compared as text: decoding it first would accept other spellings of the same
  // bytes (the last of 43 base64url characters carries 2 unused bits, RFC 4648 §3.5), so a link with
  // its last character changed would still open.
  const expected = Buffer.from(mac(key, `${parts[0]}.${parts[1]}`).toString('base64url'), 'utf8');
  const presented = Buffer.from(parts[2] ?? '', 'utf8');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  if (typeof record.exp !== 'number' || record.exp * 1000 <= now.getTime()) return undefined;
  if (typeof record.t !== 'string' || typeof record.g !== 'number') return undefined;
  return record;
}

/** Signs a setup link's secret for `tenantId`, valid for `ttlSeconds`. */
export function signLink(
  tenantId: string,
  generation: number,
  ttlSeconds: number,
  ring: TokenKeyRing,
  now: Date,
): { secret: string; expiresAt: string } {
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const claims: LinkClaims = {
    t: tenantId,
    g: generation,
    exp,
    kv: ring.current,
    n: randomBytes(9).toString('base64url'),
  };
  return { secret: sign(LINK_PREFIX, 'link', claims, ring), expiresAt: new Date(exp * 1000).toISOString() };
}

/** The claims of a genuine, unexpired link; undefined for anything else (forged, expired, garbled). */
export function verifyLink(secret: string, ring: TokenKeyRing, now: Date): LinkClaims | undefined {
  const claims = verify(LINK_PREFIX, 'link', secret, ring, now);
  return claims && typeof claims.n === 'string' ? (claims as unknown as LinkClaims) : undefined;
}

/** Starts a session from an opened link: a new id, SESSION_TTL_SECONDS long. */
export function signSession(
  link: LinkClaims,
  ring: TokenKeyRing,
  now: Date,
): { cookie: string; claims: SessionClaims } {
  const claims: SessionClaims = {
    t: link.t,
    g: link.g,
    exp: Math.floor(now.getTime() / 1000) + SESSION_TTL_SECONDS,
    kv: ring.current,
    sid: randomBytes(18).toString('base64url'),
  };
  return { cookie: sign(SESSION_PREFIX, 'session', claims, ring), claims };
}

/** The claims of a genuine, unexpired session cookie value, or undefined. */
export function verifySession(value: string, ring: TokenKeyRing, now: Date): SessionClaims | undefined {
  const claims = verify(SESSION_PREFIX, 'session', value, ring, now);
  return claims && typeof claims.sid === 'string' ? (claims as unknown as SessionClaims) : undefined;
}

/** The CSRF token of a session: an HMAC of its id, so it needs no storage and dies with the session. */
export function csrfTokenOf(session: SessionClaims, ring: TokenKeyRing): string {
  const key = derivedKey(ring, session.kv, 'csrf');
  if (!key) throw new Error(`The keyring has no key "${session.kv}"`);
  return mac(key, `${session.t}.${session.sid}`).toString('base64url');
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfTokenMatches(session: SessionClaims, presented: string | undefined, ring: TokenKeyRing): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(session, ring), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Parses a `--expires-in`-style duration (`7d`, `12h`, `30m`) into seconds; RangeError outside the link limits. */
export function linkTtlSeconds(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LINK_TTL_SECONDS;
  const match = /^(\d{1,6})([dhm])$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text.slice(0, 40)}" is not a duration like 7d, 12h or 30m.`);
  const seconds = Number(match[1]) * (match[2] === 'd' ? 86_400 : match[2] === 'h' ? 3_600 : 60);
  if (seconds <= 0) throw new RangeError('A setup link must expire in the future.');
  if (seconds > MAX_LINK_TTL_SECONDS)
    throw new RangeError(`A setup link lives at most ${MAX_LINK_TTL_SECONDS / 86_400} days.`);
  return seconds;
}
