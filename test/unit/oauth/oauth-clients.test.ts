import {
  generateClientId,
  generateClientSecret,
  matchClientSecret,
  type OAuthClientRecord,
} from '../../../lambdas/tenancy/oauth-clients';
import { digestToken } from '../../../lambdas/tenancy/tokens';
import { ROTATED_KEY_RING } from '../../support/tenant-records';

const ring = ROTATED_KEY_RING;
const now = new Date('2026-11-24T10:00:00Z');
const secret = generateClientSecret();
const client: OAuthClientRecord = {
  clientId: generateClientId(),
  label: 'entra',
  secretDigest: digestToken(secret, ring.keys.k1 as string),
  keyVersion: 'k1',
  createdAt: '2026-11-01T00:00:00Z',
};

describe('OAuth client secrets: digests only, matched in constant time', () => {
  it('matches the live client whose secret digest (under its own key version) is the presented one', () => {
    expect(matchClientSecret([client], client.clientId, secret, ring, now)).toBe(client);
  });

  it.each<[string, OAuthClientRecord[], string, string]>([
    ['a wrong secret', [client], client.clientId, generateClientSecret()],
    ['an unknown client id', [client], generateClientId(), secret],
    ['a malformed client id', [client], 'client-1', secret],
    ['a malformed secret', [client], client.clientId, 'hunter2'],
    ['a revoked client', [{ ...client, revokedAt: '2026-11-20T00:00:00Z' }], client.clientId, secret],
    ['an expired client', [{ ...client, expiresAt: '2026-11-24T09:59:59Z' }], client.clientId, secret],
    [
      'a digest under a key version the ring no longer holds',
      [{ ...client, keyVersion: 'k0' }],
      client.clientId,
      secret,
    ],
  ])('refuses %s', (_name, clients, clientId, presented) => {
    expect(matchClientSecret(clients, clientId, presented, ring, now)).toBeUndefined();
  });

  it('issues ids and secrets with recognisable prefixes and enough randomness', () => {
    expect(generateClientId()).toMatch(/^scimci_[A-Za-z0-9_-]{16}$/);
    expect(generateClientSecret()).toMatch(/^scimcs_[A-Za-z0-9_-]{43}$/);
    expect(generateClientSecret()).not.toBe(generateClientSecret());
  });
});
