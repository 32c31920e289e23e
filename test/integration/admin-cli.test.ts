import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { logger } from '../../lambdas/http/logger';
import { scim, useTestService } from '../support/local-service';
import { runAdmin } from '../support/admin-cli';

describe('scim-admin --local against a running local service', () => {
  const service = useTestService();

  const admin = (...args: string[]) => runAdmin(service, args);

  function issued(output: string): { tenantUrl: string; token: string } {
    const tenantUrl = /^Tenant URL: {3}(\S+)$/m.exec(output)?.[1];
    const token = /^Secret Token: (\S+)$/m.exec(output)?.[1];
    if (!tenantUrl || !token) throw new Error(`no Tenant URL / Secret Token lines in:\n${output}`);
    return { tenantUrl, token };
  }

  const probe = (tenantUrl: string, token: string) =>
    scim(`${tenantUrl}/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`, token);

  it('creates a tenant whose printed Tenant URL and token work, and only together', async () => {
    const id = `acme-${randomUUID().slice(0, 6)}`;

    const result = await admin('tenant', 'create', id, '--name', 'Acme Inc');

    expect(result.code).toBe(0);
    const { tenantUrl, token } = issued(result.out);
    expect(tenantUrl).toBe(`${service.baseUrl}/${id}`);
    expect((await probe(tenantUrl, token)).status).toBe(200);
    expect((await probe(tenantUrl, service.token)).status).toBe(401);
    expect((await probe(service.tenantUrl, token)).status).toBe(401);
  });

  it('issues a second token, refuses a third with a clear message, and lists them without digests', async () => {
    const id = `rot-${randomUUID().slice(0, 6)}`;
    const first = issued((await admin('tenant', 'create', id)).out);

    const second = await admin('token', 'issue', id, '--label', 'rotation', '--expires-in', '90d');
    const third = await admin('token', 'issue', id);
    const list = await admin('token', 'list', id, '--json');

    expect(second.code).toBe(0);
    expect((await probe(first.tenantUrl, first.token)).status).toBe(200);
    expect((await probe(first.tenantUrl, issued(second.out).token)).status).toBe(200);
    expect(third.code).toBe(1);
    expect(third.err).toMatch(/already has 2 live tokens .*revoke one first/);
    const tokens = JSON.parse(list.out) as Record<string, unknown>[];
    expect(tokens).toHaveLength(2);
    expect(tokens.map((token) => token.label).sort()).toEqual(['default', 'rotation']);
    expect(list.out).not.toContain('digest');
  });

  it('revokes a token and disconnects a tenant, and refuses unknown tenants and bad usage', async () => {
    const id = `rev-${randomUUID().slice(0, 6)}`;
    await admin('tenant', 'create', id);
    const tokenId = (JSON.parse((await admin('token', 'list', id, '--json')).out) as { id: string }[])[0]?.id ?? '';

    const revoke = await admin('token', 'revoke', id, tokenId);
    const disconnect = await admin('tenant', 'disconnect', id);
    const shown = JSON.parse((await admin('tenant', 'show', id, '--json')).out) as Record<string, unknown>;
    const unknown = await admin('tenant', 'show', 'no-such-tenant');
    const usage = await admin('tenant', 'frobnicate');

    expect(revoke.code).toBe(0);
    expect(disconnect.code).toBe(0);
    expect(shown.status).toBe('disconnected');
    expect(unknown).toMatchObject({ code: 1, err: 'Error: Tenant "no-such-tenant" does not exist.' });
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Unknown command "tenant frobnicate"');
  });

  it('disconnects a tenant (its token then fails) and reconnects it with a new token that works', async () => {
    const id = `dis-${randomUUID().slice(0, 6)}`;
    const created = issued((await admin('tenant', 'create', id)).out);
    await admin('tenant', 'disconnect', id);

    const reconnected = await admin('tenant', 'reconnect', id);

    expect(reconnected.code).toBe(0);
    const fresh = issued(reconnected.out);
    expect(fresh.token).not.toBe(created.token);
    // The old token was revoked at disconnect; the server's cached record may still hold it live for
    // up to 30 s (TENANT_CACHE_TTL_MS), so only the new token's success is checked over HTTP here.
    expect((await probe(fresh.tenantUrl, fresh.token)).status).toBe(200);
  });

  it('lists the writes and failures of a tenant in its log, newest first, filterable by status', async () => {
    const id = `log-${randomUUID().slice(0, 6)}`;
    const { tenantUrl, token } = issued((await admin('tenant', 'create', id)).out);
    await scim(`${tenantUrl}/Users`, token, {
      method: 'POST',
      body: { userName: 'ada@log.example', title: 'Engineer' },
    });
    await scim(`${tenantUrl}/Users`, token, { method: 'POST', body: { userName: 'ADA@log.example' } });
    await scim(`${tenantUrl}/Users?filter=${encodeURIComponent('userName eq "ada@log.example"')}`, token);

    const all = JSON.parse((await admin('log', id, '--json')).out) as Record<string, unknown>[];
    const conflicts = JSON.parse((await admin('log', id, '--json', '--status', '409')).out) as Record<
      string,
      unknown
    >[];

    expect(all.map((entry) => [entry.operation, entry.status])).toEqual([
      ['createUser', 409],
      ['User Created', 201],
    ]);
    expect(all[1]).toMatchObject({ name: 'ada@log.example', resourceType: 'User' });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ scimType: 'uniqueness', detail: expect.stringContaining('ADA@log.example') });
    expect(JSON.stringify(all)).not.toContain(token);
  });

  it('purges a tenant only with --purge and confirmation, then it is gone', async () => {
    const id = `del-${randomUUID().slice(0, 6)}`;
    const { tenantUrl, token } = issued((await admin('tenant', 'create', id)).out);
    await scim(`${tenantUrl}/Users`, token, { method: 'POST', body: { userName: 'gone@del.example' } });

    const withoutPurge = await admin('tenant', 'delete', id);
    const withoutTerminal = await admin('tenant', 'delete', id, '--purge');
    const purged = await admin('tenant', 'delete', id, '--purge', '--yes');
    const shown = await admin('tenant', 'show', id);

    expect(withoutPurge.code).toBe(2);
    expect(withoutTerminal.code).toBe(2);
    expect(withoutTerminal.err).toContain('add --yes');
    expect(purged.code).toBe(0);
    expect(purged.out).toMatch(/^Deleted tenant "del-[a-z0-9]+": \d+ items\.$/);
    expect(shown.code).toBe(1);
  });
});

describe('no token or key ever reaches a log line', () => {
  const service = useTestService();

  it('logs every request at DEBUG without the bearer token, a wrong token or the token key', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const level = logger.getLevelName();
    logger.setLogLevel('DEBUG');
    const wrong = `scimsk_${'B'.repeat(43)}000000`;
    const key = readFileSync(`${service.dataDir}/token-key.json`, 'utf8');

    try {
      await scim(`${service.tenantUrl}/Users`, service.token, {
        method: 'POST',
        body: { userName: 'log@capture.example' },
      });
      await scim(`${service.tenantUrl}/Users`, service.token, {
        method: 'POST',
        body: { userName: 'log@capture.example' },
      });
      await scim(`${service.tenantUrl}/Users/nope`, wrong);
      await scim(`${service.tenantUrl}/Users`, service.token, { method: 'POST', body: '{not json' });
    } finally {
      logger.setLogLevel(level);
      write.mockRestore();
    }

    const text = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(text).not.toContain(service.token);
    expect(text).not.toContain(service.token.slice(7, 30));
    expect(text).not.toContain(wrong);
    for (const secret of Object.values(JSON.parse(key) as Record<string, string>).filter((value) => value.length > 8)) {
      expect(text).not.toContain(secret);
    }
  });
});
