import type { OAuthClientRecord } from '../../lambdas/tenancy/oauth-clients';
import type { TenantRecord, TokenRecord } from '../../lambdas/tenancy/tenant';
import { digestToken, type TokenKeyRing } from '../../lambdas/tenancy/tokens';

/**
 * Tenant-side records for unit tests, built the way the tenant store returns them. Any key of 32 or
 * more characters is a valid ring key (lambdas/tenancy/tokens.ts), so the values below carry no meaning
 * of their own; a test that needs a particular value passes it as an override.
 */

/** A ring of one key, `k1`. */
export const KEY_RING: TokenKeyRing = { current: 'k1', keys: { k1: 'a'.repeat(48) } };

/** The same ring after a rotation: `k2` is current and `k1` still verifies. */
export const ROTATED_KEY_RING: TokenKeyRing = { current: 'k2', keys: { k1: 'a'.repeat(48), k2: 'b'.repeat(48) } };

/** Tenant `acme`, connected, version 1, with no credentials unless `overrides` add some. */
export function tenantRecord(overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    tenantId: 'acme',
    displayName: 'Acme',
    status: 'connected',
    createdAt: '2026-01-01T00:00:00Z',
    tokens: [],
    version: 1,
    ...overrides,
  };
}

/** The record of Secret Token `token`, digested with `ring`'s `k1` (labelled by its id). */
export function tokenRecord(
  id: string,
  token: string,
  extra: Partial<TokenRecord> = {},
  ring: TokenKeyRing = KEY_RING,
): TokenRecord {
  return {
    id,
    label: id,
    digest: digestToken(token, ring.keys.k1 as string),
    keyVersion: 'k1',
    createdAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

/** An OAuth client of `acme` whose secret digest matches nothing (for tests of access tokens, not secrets). */
export function oauthClientRecord(overrides: Partial<OAuthClientRecord> = {}): OAuthClientRecord {
  return {
    clientId: 'scimci_AAAAAAAAAAAAAAAA',
    label: 'entra',
    secretDigest: 'x',
    keyVersion: 'k1',
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
