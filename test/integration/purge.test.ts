import { createTenant, deleteTenant, PURGE_QUIESCE_MS } from '../../lambdas/operations/tenants/tenant-admin';
import { getWiring } from '../../lambdas/wiring';
import { newTenant, userBody } from '../support/conformance';
import { scim, startTestService, type TestService } from '../support/local-service';
import { inspectionClient, scanAll } from '../support/table-inspection';

/**
 * `tenant delete --purge` while the old customer's client keeps writing (hardening issue, item 1):
 * nothing written after the purge began may survive it, and an id re-created afterwards is empty.
 */
describe('purging a tenant that is still being written to', () => {
  jest.setTimeout(PURGE_QUIESCE_MS + 120_000);
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });

  afterAll(async () => {
    await service.stop();
  });

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
        String(item.pk).startsWith(`TENANT#${old.tenantId}#`) &&
        !(String(item.pk).endsWith('#TOKENUSE') && item.sk === fresh.record.id),
    );
    client.destroy();

    expect(deleted).toBeGreaterThan(5);
    expect(await recreateDuringPurge).toMatchObject({ message: expect.stringContaining('is being purged') });
    expect(statuses).toContain(401);
    expect(listed.body?.totalResults).toBe(0);
    expect(left).toEqual([]);
  });
});
