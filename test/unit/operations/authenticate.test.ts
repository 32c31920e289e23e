import { Authenticator, RECHECK_AFTER_MS, TENANT_CACHE_TTL_MS } from '../../../lambdas/operations/authenticate';
import type { TenantStore } from '../../../lambdas/operations/ports';
import { ScimError } from '../../../lambdas/scim/errors';
import type { TenantRecord, TokenRecord } from '../../../lambdas/tenancy/tenant';
import { digestToken, generateToken, type TokenKeyRing } from '../../../lambdas/tenancy/tokens';

const ring: TokenKeyRing = { current: 'k1', keys: { k1: 'k'.repeat(43) } };

function tokenRecord(id: string, token: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return { id, label: id, digest: digestToken(token, ring.keys.k1 as string), keyVersion: 'k1', createdAt: '2026-01-01T00:00:00Z', ...extra };
}

describe('Authenticator: caching bounds of token changes', () => {
  let now: number;
  let record: TenantRecord;
  let reads: number;
  let authenticator: Authenticator;
  const first = generateToken();
  const second = generateToken();

  beforeEach(() => {
    now = Date.parse('2026-11-24T10:00:00Z');
    reads = 0;
    record = { tenantId: 'acme', displayName: 'Acme', status: 'connected', createdAt: '2026-01-01T00:00:00Z', tokens: [tokenRecord('t1', first)], version: 1 };
    const tenants = {
      getTenant: async () => {
        reads += 1;
        return record;
      },
      recordTokenUse: async () => undefined,
    } as unknown as TenantStore;
    authenticator = new Authenticator({ tenants, tokenKeys: { getKeyRing: async () => ring }, clock: { now: () => new Date(now) } });
  });

  const rejects = (token: string) => expect(authenticator.authenticate('acme', `Bearer ${token}`)).rejects.toBeInstanceOf(ScimError);

  it('accepts a token issued after the record was cached, once the record is RECHECK_AFTER_MS old', async () => {
    await authenticator.authenticate('acme', `Bearer ${first}`);
    record = { ...record, tokens: [...record.tokens, tokenRecord('t2', second)], version: 2 };

    now += RECHECK_AFTER_MS;
    const result = await authenticator.authenticate('acme', `Bearer ${second}`);

    expect(result.token?.id).toBe('t2');
  });

  it('reads the record again at most once per RECHECK_AFTER_MS under a flood of wrong tokens', async () => {
    await authenticator.authenticate('acme', `Bearer ${first}`);

    for (let i = 0; i < 20; i += 1) await rejects(generateToken());

    expect(reads).toBe(1);
    now += RECHECK_AFTER_MS;
    await rejects(generateToken());
    expect(reads).toBe(2);
  });

  it('stops a revoked token within TENANT_CACHE_TTL_MS', async () => {
    await authenticator.authenticate('acme', `Bearer ${first}`);
    record = { ...record, tokens: [tokenRecord('t1', first, { revokedAt: new Date(now).toISOString() })], version: 2 };

    now += TENANT_CACHE_TTL_MS;

    await rejects(first);
  });

  it('answers the same 401 for a disconnected tenant', async () => {
    record = { ...record, status: 'disconnected' };

    await expect(authenticator.authenticate('acme', `Bearer ${first}`)).rejects.toMatchObject({ status: 401 });
  });
});
