import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Secret Token format: `scimsk_` + 43 base64url characters (256 random bits) + 6 base62 characters
 * of CRC-32 checksum. The prefix lets secret scanners find leaked tokens and the checksum lets them
 * (and us) reject a mistyped token offline, before any lookup (../shared/DESIGN.md "Tenants and tokens").
 */
export const TOKEN_PREFIX = 'scimsk_';
const RANDOM_BYTES = 32;
const RANDOM_CHARS = 43;
const CHECKSUM_CHARS = 6;
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{${RANDOM_CHARS}}[A-Za-z0-9]{${CHECKSUM_CHARS}}$`);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The service's HMAC keys by version, and the version that signs new digests. */
export interface TokenKeyRing {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
}

function base62(value: number, width: number): string {
  let text = '';
  let rest = value >>> 0;
  for (let i = 0; i < width; i += 1) {
    text = BASE62[rest % 62] + text;
    rest = Math.floor(rest / 62);
  }
  return text;
}

function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_CHARS);
}

/** Makes a new plaintext token from 32 random bytes. */
export function generateToken(random: Buffer = randomBytes(RANDOM_BYTES)): string {
  if (random.length !== RANDOM_BYTES) throw new Error(`A token needs ${RANDOM_BYTES} random bytes`);
  const body = `${TOKEN_PREFIX}${random.toString('base64url')}`;
  return `${body}${checksum(body)}`;
}

/** True when `token` has the token shape and a matching checksum (no secret involved). */
export function isWellFormedToken(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const body = token.slice(0, -CHECKSUM_CHARS);
  return checksum(body) === token.slice(-CHECKSUM_CHARS);
}

/** HMAC-SHA-256 digest of a token under one key, base64url. Only digests are ever stored. */
export function digestToken(token: string, key: string): string {
  return createHmac('sha256', key).update(token, 'utf8').digest('base64url');
}

/** Constant-time comparison of two base64url digests. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'base64url');
  const right = Buffer.from(b, 'base64url');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The key a digest was made with, or undefined when the ring no longer holds that version. */
export function keyFor(ring: TokenKeyRing, version: string): string | undefined {
  return Object.hasOwn(ring.keys, version) ? ring.keys[version] : undefined;
}

/** Parses the Secrets Manager / local file form `{"current":"k1","k1":"<secret>",…}`. */
export function parseKeyRing(secretString: string): TokenKeyRing {
  const parsed: unknown = JSON.parse(secretString);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('Token key secret is not a JSON object');
  const { current, ...rest } = parsed as Record<string, unknown>;
  const keys: Record<string, string> = {};
  for (const [version, key] of Object.entries(rest)) {
    if (typeof key === 'string' && key.length >= 32) keys[version] = key;
  }
  if (typeof current !== 'string' || keys[current] === undefined) {
    throw new Error('Token key secret must name its "current" key, and that key must be at least 32 characters');
  }
  return { current, keys };
}
