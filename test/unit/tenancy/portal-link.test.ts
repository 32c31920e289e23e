import {
  csrfTokenMatches,
  csrfTokenOf,
  linkTtlSeconds,
  signLink,
  signSession,
  verifyLink,
  verifySession,
  MAX_LINK_TTL_SECONDS,
} from '../../../lambdas/tenancy/portal-link';
import { KEY_RING, ROTATED_KEY_RING } from '../../support/tenant-records';

const ring = ROTATED_KEY_RING;
const now = new Date('2026-12-01T10:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same text with one character of its signature or claims changed. */
function flip(text: string, index: number): string {
  const char = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${char}${text.slice(index + 1)}`;
}

describe('setup links', () => {
  it('verifies a fresh link with its tenant, generation and expiry', () => {
    const { secret, expiresAt } = signLink('demo', 3, 3600, ring, now);

    const claims = verifyLink(secret, ring, now);

    expect(claims).toMatchObject({ t: 'demo', g: 3, kv: 'k2' });
    expect(expiresAt).toBe('2026-12-01T11:00:00.000Z');
  });

  it('refuses a link with any one character changed, in its claims or its signature', () => {
    const { secret } = signLink('demo', 0, 3600, ring, now);

    const tampered = [10, 20, secret.lastIndexOf('.') + 3, secret.length - 2].map((index) =>
      verifyLink(flip(secret, index), ring, now),
    );

    expect(tampered).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('refuses a link or a session with its last character changed to any other, even one decoding to the same bytes', () => {
    const { secret } = signLink('demo', 0, 3600, ring, now);
    const claims = verifyLink(secret, ring, now);
    if (!claims) throw new Error('link did not verify');
    const { cookie } = signSession(claims, ring, now);
    const others = (text: string) =>
      [...BASE64URL].filter((char) => char !== text.at(-1)).map((char) => `${text.slice(0, -1)}${char}`);

    const links = others(secret).filter((variant) => verifyLink(variant, ring, now) !== undefined);
    const sessions = others(cookie).filter((variant) => verifySession(variant, ring, now) !== undefined);

    expect(links).toEqual([]);
    expect(sessions).toEqual([]);
  });

  it('refuses an expired link, one signed by a key the ring no longer has, and garbage', () => {
    const { secret } = signLink('demo', 0, 60, ring, now);

    expect(verifyLink(secret, ring, later(60))).toBeUndefined();
    expect(verifyLink(secret, KEY_RING, now)).toBeUndefined();
    expect(verifyLink('spl1.e30.', ring, now)).toBeUndefined();
    expect(verifyLink('x'.repeat(5000), ring, now)).toBeUndefined();
  });

  it('keeps links signed before a key rotation valid while the old key is in the ring', () => {
    const { secret } = signLink('demo', 0, 3600, KEY_RING, now);

    expect(verifyLink(secret, ring, now)?.kv).toBe('k1');
  });

  it('never accepts a link as a session or a session as a link (separate derived keys)', () => {
    const { secret } = signLink('demo', 0, 3600, ring, now);
    const claims = verifyLink(secret, ring, now);
    if (!claims) throw new Error('link did not verify');
    const { cookie } = signSession(claims, ring, now);

    expect(verifySession(cookie, ring, now)).toMatchObject({ t: 'demo', g: 0 });
    expect(verifySession(secret, ring, now)).toBeUndefined();
    expect(verifyLink(cookie, ring, now)).toBeUndefined();
    expect(verifySession(secret.replace('spl1', 'sps1'), ring, now)).toBeUndefined();
  });

  it('ends a session after an hour', () => {
    const claims = verifyLink(signLink('demo', 0, 7 * 86_400, ring, now).secret, ring, now);
    if (!claims) throw new Error('link did not verify');
    const { cookie } = signSession(claims, ring, now);

    expect(verifySession(cookie, ring, later(3599))).toBeDefined();
    expect(verifySession(cookie, ring, later(3600))).toBeUndefined();
  });
});

describe('CSRF tokens', () => {
  it('match their own session only', () => {
    const link = verifyLink(signLink('demo', 0, 3600, ring, now).secret, ring, now);
    if (!link) throw new Error('link did not verify');
    const first = signSession(link, ring, now).claims;
    const second = signSession(link, ring, now).claims;

    expect(csrfTokenMatches(first, csrfTokenOf(first, ring), ring)).toBe(true);
    expect(csrfTokenMatches(first, csrfTokenOf(second, ring), ring)).toBe(false);
    expect(csrfTokenMatches(first, undefined, ring)).toBe(false);
    expect(csrfTokenMatches(first, '', ring)).toBe(false);
  });
});

describe('link lifetimes', () => {
  it('reads 7d, 12h and 30m, defaults to 7 days and refuses past 30 days or nonsense', () => {
    expect([linkTtlSeconds('7d'), linkTtlSeconds('12h'), linkTtlSeconds('30m'), linkTtlSeconds(undefined)]).toEqual([
      604_800, 43_200, 1_800, 604_800,
    ]);
    expect(linkTtlSeconds('30d')).toBe(MAX_LINK_TTL_SECONDS);
    expect(() => linkTtlSeconds('31d')).toThrow(/at most 30 days/);
    expect(() => linkTtlSeconds('0m')).toThrow(/future/);
    expect(() => linkTtlSeconds('soon')).toThrow(/not a duration/);
  });
});
