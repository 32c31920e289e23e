import { createTenant, deleteTenant, PURGE_QUIESCE_MS } from '../../lambdas/operations/tenants/tenant-admin';
import { tenantPrefix } from '../../lambdas/adapters/dynamodb/keys';
import { randomUUID } from 'node:crypto';
import { CSRF_HEADER, SESSION_COOKIE } from '../../lambdas/contracts/portal';
import { getWiring } from '../../lambdas/wiring';
import { runAdmin, type Captured } from '../support/admin-cli';
import { newTenant, userBody } from '../support/conformance';
import { scim, useTestService } from '../support/local-service';
import { inspectionClient, scanAll } from '../support/table-inspection';

/**
 * `tenant delete --purge` while the old customer's client keeps writing (hardening issue, item 1):
 * nothing written after the purge began may survive it, and an id re-created afterwards is empty.
 */
describe('purging a tenant that is still being written to', () => {
  jest.setTimeout(PURGE_QUIESCE_MS + 120_000);
  const service = useTestService();

  it('refuses to re-create the id while purging; afterwards the re-created tenant has 0 users, whatever the old token did meanwhile', async () => {
    const old = await newTenant(service, 'gone');
    for (let index = 0; index < 5; index += 1)
      expect((await scim(old.users, old.token, { method: 'POST', body: userBody() })).status).toBe(201);
    let writing = true;
    const statuses: number[] = [];
    const writer = (async () => {
      while (writing) statuses.push((await scim(old.users, old.token, { method: 'POST', body: userBody() })).status);
    })();
    let recreateDuringPurge: unknown;

    const deleted = await deleteTenant(getWiring().deps, old.tenantId, {
      onWait: () => {
        recreateDuringPurge = createTenant(getWiring().deps, old.tenantId).catch((error: unknown) => error);
      },
    });
    writing = false;
    await writer;
    const fresh = await createTenant(getWiring().deps, old.tenantId);
    // A new token works within RECHECK_AFTER_MS (1 s) of a cached record (docs/operations.md): poll for it.
    let listed = await scim(`${service.baseUrl}/${old.tenantId}/Users`, fresh.token);
    for (let tries = 0; listed.status === 401 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      listed = await scim(`${service.baseUrl}/${old.tenantId}/Users`, fresh.token);
    }
    const client = inspectionClient();
    // Everything under the id but the new tenant's own token-use item (written by the listing above).
    const left = (await scanAll(client, service.tableName)).filter(
      (item) =>
        String(item.pk).startsWith(`${tenantPrefix(old.tenantId)}#`) &&
        !(String(item.pk).endsWith('#TOKENUSE') && item.sk === fresh.record.id),
    );
    client.destroy();

    expect(deleted).toBeGreaterThan(5);
    expect(await recreateDuringPurge).toMatchObject({ message: expect.stringContaining('is being purged') });
    expect(statuses).toContain(401);
    expect(listed.body?.totalResults).toBe(0);
    expect(left).toEqual([]);
  });

  /** Opens a setup link as a browser does: the session cookie it set (`name=value`), if any. */
  async function openLink(url: string): Promise<string | undefined> {
    const response = await fetch(url, { redirect: 'manual' });
    const value = new RegExp(`${SESSION_COOKIE}=([^;]+);`).exec(response.headers.get('set-cookie') ?? '')?.[1];
    return value === undefined ? undefined : `${SESSION_COOKIE}=${value}`;
  }

  it('refuses every change to a tenant being purged, from the CLI, the connection API and the page; its links and sessions never open a tenant re-created with its id', async () => {
    const old = await newTenant(service, 'gone-admin');
    const origin = new URL(service.baseUrl).origin;
    const link = /^Portal: (\S+)$/.exec((await runAdmin(service, ['portal', 'link', old.tenantId])).out)?.[1] ?? '';
    const cookie = (await openLink(link)) ?? '';
    const csrf = (
      (await (await fetch(`${origin}/portal/${old.tenantId}/api/session`, { headers: { cookie } })).json()) as {
        csrfToken: string;
      }
    ).csrfToken;
    const during: Record<string, Captured> = {};
    const page: Record<string, number> = {};
    const attempts = async () => {
      during.reconnect = await runAdmin(service, ['tenant', 'reconnect', old.tenantId]);
      during.tokenIssue = await runAdmin(service, ['token', 'issue', old.tenantId]);
      during.oauthCreate = await runAdmin(service, ['oauth', 'create', old.tenantId]);
      during.portalLink = await runAdmin(service, ['portal', 'link', old.tenantId]);
      during.policySet = await runAdmin(service, ['policy', 'set', old.tenantId, '--default', 'user']);
      during.syncConnect = await runAdmin(service, [
        'sync',
        'connect',
        old.tenantId,
        '--entra-tenant',
        randomUUID(),
        '--client-id',
        randomUUID(),
        '--client-secret',
        'not-a-real-secret-0123456789',
        '--graph-url',
        'http://127.0.0.1:9',
        '--login-url',
        'http://127.0.0.1:9',
      ]);
      page.session = (await fetch(`${origin}/portal/${old.tenantId}/api/session`, { headers: { cookie } })).status;
      page.reconnect = (
        await fetch(`${origin}/portal/${old.tenantId}/api/reconnect`, {
          method: 'POST',
          headers: { cookie, origin, [CSRF_HEADER]: csrf, 'content-type': 'application/json' },
          body: '{}',
        })
      ).status;
      page.iam = (await fetch(`${origin}/connections/v1/${old.tenantId}`)).status;
    };

    await deleteTenant(getWiring().deps, old.tenantId, { sleep: attempts });
    await createTenant(getWiring().deps, old.tenantId);
    const reopened = await openLink(link);
    const oldSession = (await fetch(`${origin}/portal/${old.tenantId}/api/session`, { headers: { cookie } })).status;

    for (const [command, result] of Object.entries(during))
      expect({ command, code: result.code, err: result.err }).toEqual({
        command,
        code: 1,
        err: expect.stringContaining(`Tenant "${old.tenantId}" is being purged`),
      });
    expect(page).toEqual({ session: 401, reconnect: 401, iam: 404 });
    expect(reopened).toBeUndefined();
    expect(oldSession).toBe(401);
  });
});
