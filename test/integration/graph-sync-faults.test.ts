import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredResource } from '../../lambdas/operations/ports';
import { runSyncSlice, startRun } from '../../lambdas/operations/graph-sync/sync-run';
import { createSyncDependencies } from '../../lambdas/sync-wiring';
import { connectArgs, FakeGraph, type Fault } from '../support/fake-graph';
import { seedDirectory } from '../support/graph-directory';
import { useTestService } from '../support/local-service';
import { runAdmin } from '../support/admin-cli';

jest.setTimeout(600_000);

describe('Graph sync: bad input and faults change nothing they had not committed', () => {
  const service = useTestService();

  const admin = (...args: string[]) => runAdmin(service, args, { sync: { graph: { sleep: async () => undefined } } });

  const config = () => ({
    tableName: service.tableName,
    dynamodbEndpoint: service.instance.endpoint,
    tokenKeyFile: service.instance.tokenKeyFile,
    maxBodyBytes: 1 << 20,
  });
  const syncDeps = () =>
    createSyncDependencies(
      config(),
      { secretsDir: join(service.dataDir, 'connector-secrets'), tenantUrlBase: service.baseUrl },
      { sleep: async () => undefined },
    );

  async function usersOf(tenantId: string): Promise<StoredResource[]> {
    return [...(await syncDeps().directory.listUsers(tenantId, {}, 1_000)).items];
  }

  /** A tenant without SCIM tokens connected to a fresh fake Graph of `count` users. */
  async function connected(
    count: number,
    extra: string[] = [],
    options: ConstructorParameters<typeof FakeGraph>[0] = { pageSize: 10 },
  ) {
    const graph = await new FakeGraph(options).start();
    const directory = seedDirectory(graph, count);
    const tenantId = `f-${randomUUID().slice(0, 8)}`;
    await admin('tenant', 'create', tenantId);
    const connect = await admin(...connectArgs(graph, tenantId), '--revoke-scim-tokens', ...extra);
    expect(connect).toMatchObject({ code: 0, err: '' });
    return { graph, directory, tenantId };
  }

  /** Starts a manual run and runs one slice of it; Graph serves the first page of users, then answers with `respond`. */
  async function sliceFailingAfterFirstPage(graph: FakeGraph, tenantId: string, respond: Fault['respond']) {
    const deps = syncDeps();
    const run = await startRun(deps, tenantId, 'manual');
    let broken = false;
    return runSyncSlice(deps, tenantId, run.runId, {
      onProgress: (progress) => {
        if (broken || progress.counts.pages !== 1) return;
        broken = true;
        graph.fail({ match: 'users', respond });
      },
    });
  }

  it.each([
    [['--schedule', '0 25 * * *'], /--schedule "0 25 \* \* \*" does not parse/],
    [['--filter', 'departmnet=Sales'], /unknown attribute "departmnet"/],
    [['--cloud', 'mars'], /--cloud "mars" is not one of global, usgov, china/],
    [['--graph-url', 'http://graph.example', '--login-url', 'https://login.example'], /--graph-url must use https/],
    [['--time-zone', 'Mars/Olympus'], /not an IANA time zone/],
    [['--map', 'nickname=mailNickname'], /no profile field "nickname"/],
  ])('sync connect %j is refused with a clear error and writes nothing', async (options, message) => {
    const tenantId = `bad-${randomUUID().slice(0, 6)}`;
    await admin('tenant', 'create', tenantId);

    const result = await admin(
      'sync',
      'connect',
      tenantId,
      '--entra-tenant',
      'contoso.onmicrosoft.com',
      '--client-id',
      randomUUID(),
      '--client-secret',
      'a-secret-value',
      '--revoke-scim-tokens',
      ...options,
    );

    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).not.toContain('a-secret-value');
    expect((await admin('sync', 'status', tenantId)).err).toMatch(/has no Graph connector/);
    expect(existsSync(join(service.dataDir, 'connector-secrets', `${tenantId}.secret`))).toBe(false);
  });

  it('a consent not granted fails the run with a clear status; after consent the next run completes', async () => {
    const { graph, tenantId } = await connected(12);
    graph.consentGranted = false;

    const failed = await admin('sync', 'run', tenantId, '--wait');
    const status = await admin('sync', 'status', tenantId);
    graph.consentGranted = true;
    const next = await admin('sync', 'run', tenantId, '--wait');

    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/403 Authorization_RequestDenied.*User\.Read\.All and GroupMember\.Read\.All/);
    expect(status.out).toMatch(/failed .* error consentNotGranted/s);
    expect(next.code).toBe(0);
    expect(await usersOf(tenantId)).toHaveLength(12);
    await graph.stop();
  });

  it('an expired client secret fails the run naming AADSTS7000222, never the secret', async () => {
    const { graph, tenantId } = await connected(3);
    graph.secretState = 'expired';

    const failed = await admin('sync', 'run', tenantId, '--wait');
    const status = await admin('sync', 'status', tenantId, '--json');

    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/has expired \(AADSTS7000222\)/);
    expect(JSON.parse(status.out).runs[0]).toMatchObject({
      status: 'failed',
      errors: 1,
      errorDetails: [expect.objectContaining({ code: 'secretExpired' })],
    });
    expect(failed.out + failed.err + status.out).not.toContain(graph.clientSecret);
    expect(await usersOf(tenantId)).toHaveLength(0);
    await graph.stop();
  });

  it('a page that is not JSON stops the run after what it committed; the next run resumes at that page', async () => {
    const { graph, tenantId } = await connected(30);
    // The first page goes through; the second is answered with an HTML error page.
    const first = await sliceFailingAfterFirstPage(graph, tenantId, (response) =>
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>gateway</html>'),
    );
    const committed = (await usersOf(tenantId)).length;
    const resumed = await admin('sync', 'run', tenantId, '--wait');
    const status = JSON.parse((await admin('sync', 'status', tenantId, '--json')).out);

    expect(first.status).toBe('failed');
    expect(first.errors.at(-1)?.code).toBe('graphPageNotJson');
    expect(committed).toBe(10);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/20 created/);
    expect(status.runs[0]).toMatchObject({ status: 'succeeded', created: 20 });
    expect(await usersOf(tenantId)).toHaveLength(30);
    await graph.stop();
  });

  it('a page without a deltaLink fails the run; a user without userPrincipalName is reported and skipped', async () => {
    const { graph, tenantId } = await connected(5);
    graph.addUser({ id: randomUUID(), accountEnabled: true, displayName: 'No UPN' });
    graph.fail({
      match: 'users',
      respond: (response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"value":[]}'),
    });

    const failed = await admin('sync', 'run', tenantId, '--wait');
    const next = await admin('sync', 'run', tenantId, '--wait');

    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/neither @odata.nextLink nor @odata.deltaLink/);
    expect(next.code).toBe(0);
    expect(next.out).toMatch(/5 created, .* 1 errors/);
    expect(next.out).toMatch(/error missingUserPrincipalName: Graph user .* has no userPrincipalName/);
    expect(await usersOf(tenantId)).toHaveLength(5);
    await graph.stop();
  });

  it('a page whose nextLink points at another host fails the run at that page; the next run retries it and completes', async () => {
    const { graph, tenantId } = await connected(30);
    const first = await sliceFailingAfterFirstPage(graph, tenantId, (response) =>
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ value: [], '@odata.nextLink': 'https://graph.evil.example/v1.0/users/delta' })),
    );
    const next = await admin('sync', 'run', tenantId, '--wait');

    expect(first.status).toBe('failed');
    expect(first.errors.at(-1)?.code).toBe('untrustedLink');
    expect(first.cursor ?? '').not.toContain('evil.example');
    expect(next.code).toBe(0);
    expect(await usersOf(tenantId)).toHaveLength(30);
    await graph.stop();
  });

  it('sync connect after a failed run starts afresh: a checkpoint on the old Graph is not continued', async () => {
    const { graph, tenantId } = await connected(30);
    const first = await sliceFailingAfterFirstPage(graph, tenantId, (response) =>
      response.writeHead(200).end('<html>gateway</html>'),
    );
    const moved = await new FakeGraph({ pageSize: 10 }).start();
    seedDirectory(moved, 12, 'fabrikam.example');
    const reconnect = await admin(...connectArgs(moved, tenantId));
    const next = await admin('sync', 'run', tenantId, '--wait');
    const userNames = (await usersOf(tenantId)).map((user) => String(user.data.userName));

    expect(first.status).toBe('failed');
    expect(reconnect.code).toBe(0);
    expect(next.code).toBe(0);
    expect(next.out).toMatch(/\(full pull\)/);
    expect(userNames.filter((name) => name.endsWith('@fabrikam.example'))).toHaveLength(12);
    expect(userNames.filter((name) => name.endsWith('@contoso.example'))).toEqual([]);
    await Promise.all([graph.stop(), moved.stop()]);
  });

  it('a run that stops at its deadline hands off; the next slice continues it, and only one slice holds it at a time', async () => {
    const { graph, tenantId } = await connected(25);
    const deps = syncDeps();
    const run = await startRun(deps, tenantId, 'manual');
    let checks = 0;

    const busy = await admin('sync', 'run', tenantId);
    const first = await runSyncSlice(deps, tenantId, run.runId, { deadline: 1, now: () => (checks++ === 0 ? 0 : 2) });
    const second = await runSyncSlice(deps, tenantId, run.runId, { now: () => 0 });

    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/is in progress/);
    expect(first.status).toBe('running');
    expect(second.status).toBe('succeeded');
    expect(second.counts.created).toBe(25);
    expect(await usersOf(tenantId)).toHaveLength(25);
    await graph.stop();
  });

  it('a user who leaves a named group is deactivated, and reactivated on return', async () => {
    const { graph, directory, tenantId } = await connected(9, ['--group', 'Managers']);
    await admin('sync', 'run', tenantId, '--wait');
    const managers = graph.membersOf(directory.groups.Managers as string);
    const leaver = managers[0] as string;
    const upn = directory.users.find((user) => user.id === leaver)?.userPrincipalName;

    const initial = (await usersOf(tenantId)).map((user) => user.data.userName).sort();
    graph.removeMember(directory.groups.Managers as string, leaver);
    const out = await admin('sync', 'run', tenantId, '--wait');
    const afterLeave = (await usersOf(tenantId)).find((user) => user.data.userName === upn);
    graph.addMember(directory.groups.Managers as string, leaver);
    const back = await admin('sync', 'run', tenantId, '--wait');
    const afterReturn = (await usersOf(tenantId)).find((user) => user.data.userName === upn);

    expect(initial).toEqual(
      directory.users
        .filter((user) => managers.includes(user.id))
        .map((user) => user.userPrincipalName)
        .sort(),
    );
    expect(out.out).toMatch(/1 deactivated/);
    expect(afterLeave?.data.active).toBe(false);
    expect(back.out).toMatch(/1 updated/);
    expect(afterReturn?.data.active).toBe(true);
    await graph.stop();
  });

  it('sync disconnect deletes the connector and its secret and makes the tenant a manual (disconnected) one', async () => {
    const { graph, tenantId } = await connected(2);

    const result = await admin('sync', 'disconnect', tenantId);
    const tenant = await syncDeps().tenants.getTenant(tenantId);

    expect(result.code).toBe(0);
    expect(tenant).toMatchObject({ status: 'disconnected' });
    expect(tenant?.directorySource).toBeUndefined();
    expect(readdirSync(join(service.dataDir, 'connector-secrets')).includes(`${tenantId}.secret`)).toBe(false);
    expect((await admin('sync', 'run', tenantId)).err).toMatch(/no Graph connector/);
    await graph.stop();
  });
});
