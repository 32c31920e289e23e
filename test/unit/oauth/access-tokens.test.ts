import { SignJWT, UnsecuredJWT } from 'jose';
import { authenticateAccessToken } from '../../../lambdas/operations/credentials/access-tokens';
import { ScimError } from '../../../lambdas/scim/errors';
import {
  accessTokenAudience,
  ACCESS_TOKEN_ISSUER,
  isAccessTokenLive,
} from '../../../lambdas/tenancy/access-token-claims';
import { signAccessToken, verifyAccessToken } from '../../../lambdas/tenancy/access-tokens';
import { KEY_RING, oauthClientRecord, ROTATED_KEY_RING, tenantRecord } from '../../support/tenant-records';

const ring = KEY_RING;
const rotated = ROTATED_KEY_RING;
const now = new Date('2026-11-24T10:00:00Z');
const keyRing = () => Promise.resolve(ring);
const client = oauthClientRecord();
const tenant = tenantRecord({ oauthClients: [client] });

const issue = (tenantId = 'acme', keys = ring, at = now) =>
  signAccessToken(
    { tenantId, subject: { kind: 'client', clientId: client.clientId }, lifetimeSeconds: 3600 },
    keys,
    at,
  ).then((issued) => issued.token);

describe('OAuth access tokens: signed offline, bound to one tenant', () => {
  it('verifies its own token for its tenant, with the client inside', async () => {
    const token = await issue();

    const claims = await verifyAccessToken(token, 'acme', ring, now);

    expect(claims).toEqual({
      tenantId: 'acme',
      subject: { kind: 'client', clientId: client.clientId },
      expiresAt: now.getTime() / 1000 + 3600,
    });
  });

  it('never verifies for another tenant (the audience names the tenant)', async () => {
    const token = await issue('acme');

    expect(await verifyAccessToken(token, 'globex', ring, now)).toBeUndefined();
  });

  it('refuses an expired token, and one signed in the future', async () => {
    const token = await issue();

    expect(await verifyAccessToken(token, 'acme', ring, new Date(now.getTime() + 3601_000 + 5_000))).toBeUndefined();
    expect(
      await verifyAccessToken(await issue('acme', ring, new Date(now.getTime() + 600_000)), 'acme', ring, now),
    ).toBeUndefined();
  });

  it('keeps tokens of the previous key version valid after a rotation, and signs new ones with the new key', async () => {
    const before = await issue('acme', ring);
    const after = await issue('acme', rotated);

    expect(await verifyAccessToken(before, 'acme', rotated, now)).toBeDefined();
    expect(await verifyAccessToken(after, 'acme', rotated, now)).toBeDefined();
    expect(await verifyAccessToken(after, 'acme', ring, now)).toBeUndefined();
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['three dots of nothing', 'a.b.c'],
    [
      'alg none',
      new UnsecuredJWT({ client_id: client.clientId })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(accessTokenAudience('acme'))
        .setSubject(client.clientId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .encode(),
    ],
  ])('refuses %s', async (_name, token) => {
    expect(await verifyAccessToken(token, 'acme', ring, now)).toBeUndefined();
  });

  it('refuses a token signed with the raw keyring secret instead of the derived key', async () => {
    const forged = await new SignJWT({ client_id: client.clientId })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(accessTokenAudience('acme'))
      .setSubject(client.clientId)
      .setIssuedAt(now.getTime() / 1000)
      .setExpirationTime(now.getTime() / 1000 + 3600)
      .sign(new TextEncoder().encode(ring.keys.k1));

    expect(await verifyAccessToken(forged, 'acme', ring, now)).toBeUndefined();
  });

  it('is live only while the tenant is connected and the client neither revoked nor expired', async () => {
    const claims = await verifyAccessToken(await issue(), 'acme', ring, now);
    if (!claims) throw new Error('no claims');

    expect(isAccessTokenLive(tenant, claims, now)).toBe(true);
    expect(isAccessTokenLive({ ...tenant, status: 'disconnected' }, claims, now)).toBe(false);
    expect(
      isAccessTokenLive({ ...tenant, oauthClients: [{ ...client, revokedAt: now.toISOString() }] }, claims, now),
    ).toBe(false);
    expect(
      isAccessTokenLive({ ...tenant, oauthClients: [{ ...client, expiresAt: now.toISOString() }] }, claims, now),
    ).toBe(false);
    expect(isAccessTokenLive({ ...tenant, oauthClients: [] }, claims, now)).toBe(false);
  });
});

describe('authenticateAccessToken: no table read for a token that does not verify', () => {
  it('reads nothing for a forged token, the cached record for a good one, and a fresh one when the cache lacks the client', async () => {
    const reads: boolean[] = [];
    const stale = { ...tenant, oauthClients: [] };
    const record = (recheck: boolean) => {
      reads.push(recheck);
      return Promise.resolve(recheck ? tenant : stale);
    };

    await expect(authenticateAccessToken('acme', 'x.y.z', keyRing, now, record)).rejects.toBeInstanceOf(ScimError);
    expect(reads).toEqual([]);

    const result = await authenticateAccessToken('acme', await issue(), keyRing, now, record);

    expect(result.tenant).toBe(tenant);
    expect(reads).toEqual([false, true]);
  });

  it('answers the same 401 as a wrong Secret Token for a revoked client', async () => {
    const revoked = { ...tenant, oauthClients: [{ ...client, revokedAt: now.toISOString() }] };

    const error = await authenticateAccessToken('acme', await issue(), keyRing, now, () =>
      Promise.resolve(revoked),
    ).catch((caught: unknown) => caught);

    expect(error).toEqual(ScimError.unauthorized());
  });
});
