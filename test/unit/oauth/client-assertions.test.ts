import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { verifyClientAssertion, type AssertionDeps } from '../../../lambdas/operations/credentials/client-assertions';
import { KeySetUnavailable } from '../../../lambdas/operations/credentials/oauth-ports';
import type { FederationRecord } from '../../../lambdas/tenancy/oauth-clients';
import { OAuthError } from '../../../lambdas/tenancy/oauth-request';

const ENTRA_TENANT = '11111111-2222-3333-4444-555555555555';
const federation: FederationRecord = {
  id: 'f1',
  issuer: `https://login.microsoftonline.com/${ENTRA_TENANT}/v2.0`,
  jwksUrl: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
  subject: 'aaaaaaaa-0000-0000-0000-000000000001',
  audience: 'bbbbbbbb-0000-0000-0000-000000000002',
  createdAt: '2026-11-01T00:00:00Z',
};
const now = new Date('2026-11-24T10:00:00Z');
const nowSeconds = now.getTime() / 1000;

let trusted: { privateKey: CryptoKey; jwk: JWK };
let stranger: { privateKey: CryptoKey };
let publicPem: string;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  trusted = {
    privateKey: pair.privateKey,
    jwk: { ...(await exportJWK(pair.publicKey)), kid: 'entra-1', alg: 'RS256', use: 'sig' },
  };
  publicPem = await exportSPKI(pair.publicKey);
  stranger = { privateKey: (await generateKeyPair('RS256')).privateKey };
});

function deps(options: { unavailable?: boolean } = {}): AssertionDeps & { seen: Set<string> } {
  const seen = new Set<string>();
  const local = () => createLocalJWKSet({ keys: [trusted.jwk] });
  return {
    seen,
    keySets: {
      keySetFor: () =>
        options.unavailable
          ? async () => {
              throw new KeySetUnavailable('no answer within 3000 ms.');
            }
          : local(),
    },
    replays: {
      remember: async (tenantId, issuer, jti) => {
        const key = `${tenantId}|${issuer}|${jti}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    },
  };
}

interface Claims {
  iss?: string;
  aud?: string;
  sub?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  jti?: string | undefined;
}

function assertion(claims: Claims = {}, key: CryptoKey = trusted.privateKey, kid = 'entra-1'): Promise<string> {
  const full = {
    iss: federation.issuer,
    aud: federation.audience,
    sub: federation.subject,
    iat: nowSeconds - 10,
    nbf: nowSeconds - 10,
    exp: nowSeconds + 3600,
    jti: `jti-${Math.random()}`,
    ...claims,
  };
  const payload = Object.fromEntries(Object.entries(full).filter(([, value]) => value !== undefined));
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(error)}`);
  return error;
}

describe('JWT client assertions against the tenant federation (RFC 7523 §3)', () => {
  it("accepts Entra's assertion: RS256 by a key of the JWKS, matching iss, aud and sub, fresh jti", async () => {
    const result = await verifyClientAssertion(deps(), 'acme', federation, await assertion(), now);

    expect(result.subject).toBe(federation.subject);
  });

  it('accepts an exp and nbf within the clock skew', async () => {
    const token = await assertion({ exp: nowSeconds - 30, nbf: nowSeconds + 30, iat: nowSeconds + 30 });

    await expect(verifyClientAssertion(deps(), 'acme', federation, token, now)).resolves.toBeDefined();
  });

  it('accepts an assertion without iat or nbf (RFC 7523 §3 makes both optional)', async () => {
    const token = await assertion({ iat: undefined, nbf: undefined });

    await expect(verifyClientAssertion(deps(), 'acme', federation, token, now)).resolves.toBeDefined();
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a JWT signed by an unknown key', () => assertion({}, stranger.privateKey, 'other'), /signature does not verify/],
    [
      'a JWT signed by another key under a known kid',
      () => assertion({}, stranger.privateKey),
      /signature does not verify/,
    ],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({
          iss: federation.issuer,
          aud: federation.audience,
          sub: federation.subject,
          exp: nowSeconds + 600,
          jti: 'n',
        }).encode(),
      /alg "none" is not accepted/,
    ],
    [
      'HS256 with the public key as the secret',
      () =>
        new SignJWT({
          iss: federation.issuer,
          aud: federation.audience,
          sub: federation.subject,
          iat: nowSeconds,
          exp: nowSeconds + 600,
          jti: 'h',
        })
          .setProtectedHeader({ alg: 'HS256', kid: 'entra-1' })
          .sign(new TextEncoder().encode(publicPem)),
      /alg "HS256" is not accepted/,
    ],
    [
      'a wrong iss',
      () => assertion({ iss: 'https://login.microsoftonline.com/other/v2.0' }),
      /not from the issuer this tenant trusts/,
    ],
    ['a wrong aud', () => assertion({ aud: 'someone-else' }), /"aud" claim does not match/],
    ['a wrong sub', () => assertion({ sub: 'another-service-principal' }), /"sub" claim does not match/],
    [
      'an expired token',
      () => assertion({ exp: nowSeconds - 120, iat: nowSeconds - 3700, nbf: nowSeconds - 3700 }),
      /expired/,
    ],
    [
      'a token that is not valid yet',
      () => assertion({ nbf: nowSeconds + 600, iat: nowSeconds }),
      /not valid yet \("nbf"/,
    ],
    ['a token issued in the future', () => assertion({ iat: nowSeconds + 600 }), /not valid yet \("iat"/],
    ['a far-future expiry', () => assertion({ exp: nowSeconds + 30 * 24 * 3600 }), /too far in the future/],
    [
      'a far-future expiry without iat',
      () => assertion({ iat: undefined, exp: nowSeconds + 30 * 24 * 3600 }),
      /too far in the future/,
    ],
    [
      'a token issued more than 24 h ago',
      () => assertion({ iat: nowSeconds - 25 * 3600 }),
      /issued more than 24 h ago/,
    ],
    ['a token without jti', () => assertion({ jti: undefined }), /lacks the "jti" claim/],
    ['a token that is not a JWT', async () => 'hello', /not a signed JWT/],
  ])('refuses %s with invalid_client', async (_name, make, description) => {
    const error = await refusal(verifyClientAssertion(deps(), 'acme', federation, await make(), now));

    expect(error.error).toBe('invalid_client');
    expect(error.description).toMatch(description);
  });

  it('refuses a replayed jti, and remembers nothing for a refused assertion', async () => {
    const store = deps();
    const token = await assertion({ jti: 'once' });
    await verifyClientAssertion(store, 'acme', federation, token, now);

    const replay = await refusal(verifyClientAssertion(store, 'acme', federation, token, now));
    await refusal(
      verifyClientAssertion(store, 'acme', federation, await assertion({ jti: 'never-stored', aud: 'wrong' }), now),
    );

    expect(replay.description).toMatch(/used before/);
    expect([...store.seen]).toEqual([`acme|${federation.issuer}|once`]);
  });

  it('refuses every assertion for a tenant without federation, fetching no key set', async () => {
    const store = deps();
    const keySetFor = jest.spyOn(store.keySets, 'keySetFor');

    const error = await refusal(verifyClientAssertion(store, 'acme', undefined, await assertion(), now));

    expect(error.error).toBe('invalid_client');
    expect(keySetFor).not.toHaveBeenCalled();
  });

  it('turns an unreachable key set into a clear invalid_client', async () => {
    const error = await refusal(
      verifyClientAssertion(deps({ unavailable: true }), 'acme', federation, await assertion(), now),
    );

    expect(error.error).toBe('invalid_client');
    expect(error.description).toMatch(/key set could not be used: no answer within 3000 ms/);
  });
});
