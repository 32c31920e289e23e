import {
  Authenticator,
  KEY_RECHECK_AFTER_MS,
  RECHECK_AFTER_MS,
  TENANT_CACHE_TTL_MS,
} from '../../../lambdas/operations/credentials/authenticate';
import type { TenantStore } from '../../../lambdas/operations/ports';
import { ScimError } from '../../../lambdas/scim/errors';
import { matchTokenEvenly, MAX_LIVE_TOKENS, type TenantRecord } from '../../../lambdas/tenancy/tenant';
import { signAccessToken } from '../../../lambdas/tenancy/access-tokens';
import { digestToken, generateToken, type TokenKeyRing } from '../../../lambdas/tenancy/tokens';
import { KEY_RING, oauthClientRecord, ROTATED_KEY_RING, tenantRecord, tokenRecord } from '../../support/tenant-records';

const ring = KEY_RING;

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
    record = tenantRecord({ tokens: [tokenRecord('t1', first)] });
    const tenants = {
      getTenant: async () => {
        reads += 1;
        return record;
      },
      recordTokenUse: async () => undefined,
    } as unknown as TenantStore;
    authenticator = new Authenticator({
      tenants,
      tokenKeys: { getKeyRing: async () => ring },
      clock: { now: () => new Date(now) },
    });
  });

  const rejects = (token: string) =>
    expect(authenticator.authenticate('acme', `Bearer ${token}`)).rejects.toBeInstanceOf(ScimError);

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

describe('Authenticator: a wrong token costs the same on a real and an unknown tenant (issue 16 item 8)', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const live = generateToken();
  const real = tenantRecord({ tokens: [tokenRecord('t1', live)] });

  it.each([
    ['a real tenant with one token', real],
    ['an unknown tenant', undefined],
    ['a disconnected tenant', { ...real, status: 'disconnected' as const }],
  ])('computes MAX_LIVE_TOKENS digests for %s', (_name, tenant) => {
    let digests = 0;
    const counting = (presented: string, key: string) => {
      digests += 1;
      return digestToken(presented, key);
    };

    const match = matchTokenEvenly(tenant, generateToken(), ring, now, counting);

    expect(match).toBeUndefined();
    expect(digests).toBe(MAX_LIVE_TOKENS);
  });

  it('still finds the live token among the slots', () => {
    expect(matchTokenEvenly(real, live, ring, now)?.id).toBe('t1');
  });

  it('reads the tenant record as often for an unknown tenant as for a real one under the same wrong-token traffic', async () => {
    let clock = now.getTime();
    const reads: Record<string, number> = { acme: 0, ghost: 0 };
    const tenants = {
      getTenant: async (tenantId: string) => {
        reads[tenantId] = (reads[tenantId] ?? 0) + 1;
        return tenantId === 'acme' ? real : undefined;
      },
      recordTokenUse: async () => undefined,
    } as unknown as TenantStore;
    const authenticator = new Authenticator({
      tenants,
      tokenKeys: { getKeyRing: async () => ring },
      clock: { now: () => new Date(clock) },
    });

    for (let round = 0; round < 5; round += 1) {
      for (const tenantId of ['acme', 'ghost'])
        await expect(authenticator.authenticate(tenantId, `Bearer ${generateToken()}`)).rejects.toBeInstanceOf(
          ScimError,
        );
      clock += RECHECK_AFTER_MS / 2;
    }

    expect(reads.ghost).toBe(reads.acme);
  });
});

describe('Authenticator: access tokens across a keyring rotation', () => {
  const { clientId } = oauthClientRecord();
  const before = KEY_RING;
  const after = ROTATED_KEY_RING;
  let now: number;
  let served: TokenKeyRing;
  let ringLoads: number;
  let secretsManagerDown: boolean;
  let authenticator: Authenticator;
  const record = tenantRecord({ oauthClients: [oauthClientRecord()] });
  const accessToken = (keys: TokenKeyRing) =>
    signAccessToken(
      { tenantId: 'acme', subject: { kind: 'client', clientId }, lifetimeSeconds: 3600 },
      keys,
      new Date(now),
    ).then((issued) => issued.token);

  beforeEach(() => {
    now = Date.parse('2026-11-24T10:00:00Z');
    served = before;
    ringLoads = 0;
    secretsManagerDown = false;
    authenticator = new Authenticator({
      tenants: { getTenant: async () => record, recordTokenUse: async () => undefined } as unknown as TenantStore,
      tokenKeys: {
        getKeyRing: async () => {
          ringLoads += 1;
          if (secretsManagerDown) throw new Error('Secrets Manager is down');
          return served;
        },
      },
      clock: { now: () => new Date(now) },
    });
  });

  it('accepts a token signed under a key version added after the keyring was cached', async () => {
    await authenticator.authenticate('acme', `Bearer ${await accessToken(before)}`);
    served = after;

    const result = await authenticator.authenticate('acme', `Bearer ${await accessToken(after)}`);

    expect(result.tenant.tenantId).toBe('acme');
    expect(ringLoads).toBe(2);
  });

  it('loads the keyring again at most once per KEY_RECHECK_AFTER_MS under a flood of unknown key versions', async () => {
    await authenticator.authenticate('acme', `Bearer ${await accessToken(before)}`);
    const unknownVersion = await accessToken({ current: 'k9', keys: { k9: 'c'.repeat(48) } });

    for (let i = 0; i < 20; i += 1)
      await expect(authenticator.authenticate('acme', `Bearer ${unknownVersion}`)).rejects.toBeInstanceOf(ScimError);
    now += KEY_RECHECK_AFTER_MS;
    await expect(authenticator.authenticate('acme', `Bearer ${unknownVersion}`)).rejects.toBeInstanceOf(ScimError);

    expect(ringLoads).toBe(3);
  });

  it('keeps the cached keyring when the reload for an unknown key version fails', async () => {
    const known = await accessToken(before);
    await authenticator.authenticate('acme', `Bearer ${known}`);
    const unknownVersion = await accessToken({ current: 'k9', keys: { k9: 'c'.repeat(48) } });
    secretsManagerDown = true;
    now += KEY_RECHECK_AFTER_MS;

    await expect(authenticator.authenticate('acme', `Bearer ${unknownVersion}`)).rejects.toBeInstanceOf(ScimError);
    const result = await authenticator.authenticate('acme', `Bearer ${known}`);

    expect(result.tenant.tenantId).toBe('acme');
    expect(ringLoads).toBeGreaterThan(1);
  });
});

describe('Authenticator: Secret Tokens issued after a keyring rotation', () => {
  const before: TokenKeyRing = { current: 'k1', keys: { k1: 'a'.repeat(48) } };
  const after: TokenKeyRing = { current: 'k2', keys: { k1: 'a'.repeat(48), k2: 'b'.repeat(48) } };
  const old = generateToken();
  const fresh = generateToken();
  let now: number;
  let served: TokenKeyRing;
  let ringLoads: number;
  let record: TenantRecord;
  let authenticator: Authenticator;

  beforeEach(() => {
    now = Date.parse('2026-11-24T10:00:00Z');
    served = before;
    ringLoads = 0;
    record = {
      tenantId: 'acme',
      displayName: 'Acme',
      status: 'connected',
      createdAt: '2026-01-01T00:00:00Z',
      tokens: [
        { id: 't1', label: 't1', digest: digestToken(old, 'a'.repeat(48)), keyVersion: 'k1', createdAt: '2026-01-01' },
      ],
      version: 1,
    };
    authenticator = new Authenticator({
      tenants: { getTenant: async () => record, recordTokenUse: async () => undefined } as unknown as TenantStore,
      tokenKeys: {
        getKeyRing: async () => {
          ringLoads += 1;
          return served;
        },
      },
      clock: { now: () => new Date(now) },
    });
  });

  it('accepts a token digested under a key version this container has not loaded yet, loading the keyring once more', async () => {
    await authenticator.authenticate('acme', `Bearer ${old}`);
    // Another container rotated the keyring, then issued a token under the new key.
    served = after;
    record = {
      ...record,
      tokens: [
        ...record.tokens,
        {
          id: 't2',
          label: 't2',
          digest: digestToken(fresh, 'b'.repeat(48)),
          keyVersion: 'k2',
          createdAt: '2026-11-24',
        },
      ],
      version: 2,
    };
    now += RECHECK_AFTER_MS;

    const result = await authenticator.authenticate('acme', `Bearer ${fresh}`);

    expect(result).toMatchObject({ token: { id: 't2' } });
    expect(ringLoads).toBe(2);
  });

  it('does not reload the keyring for a wrong token when every stored token is under a loaded key', async () => {
    await authenticator.authenticate('acme', `Bearer ${old}`);
    now += KEY_RECHECK_AFTER_MS;

    await expect(authenticator.authenticate('acme', `Bearer ${generateToken()}`)).rejects.toBeInstanceOf(ScimError);

    expect(ringLoads).toBe(1);
  });
});
