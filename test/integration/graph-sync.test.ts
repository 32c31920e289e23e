import { randomUUID } from 'node:crypto';
import { runCli, type CliIo } from '../../lambdas/admin/cli';
import type { StoredResource } from '../../lambdas/operations/ports';
import { createWiring } from '../../lambdas/wiring';
import { readEvents, waitForEvents, type Published } from '../support/events-file';
import { connectArgs as connectTo, FakeGraph } from '../support/fake-graph';
import { inScope, seedDirectory, type SeededDirectory } from '../support/graph-directory';
import { scim, useTestService } from '../support/local-service';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../lambdas/scim/schema/urns';

interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly progress: string[];
}

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

// Runs of 1,000 users over DynamoDB Local take minutes on a loaded 2-core machine.
jest.setTimeout(900_000);

describe('Graph sync: scim-admin --local sync … against a loopback Graph of 1,000 users', () => {
  const service = useTestService();
  let graph: FakeGraph;
  let directory: SeededDirectory;
  const tenantId = `entra-${randomUUID().slice(0, 6)}`;
  const waits: number[] = [];

  beforeAll(async () => {
    graph = await new FakeGraph({ pageSize: 100, duplicateEvery: 97, membersPerAppearance: 120 }).start();
    directory = seedDirectory(graph, 1_000);
  });

  afterAll(async () => {
    await graph.stop();
  });

  async function admin(...args: string[]): Promise<Captured> {
    const out: string[] = [];
    const err: string[] = [];
    const progress: string[] = [];
    const io: CliIo = {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      progress: (line) => progress.push(line),
      dataDir: service.dataDir,
      // Retry-After and back-off waits are recorded, not slept.
      sync: { graph: { sleep: async (ms) => void waits.push(ms) } },
    };
    const code = await runCli(['--local', ...args], io);
    return { code, out: out.join('\n'), err: err.join('\n'), progress };
  }

  const deps = () =>
    createWiring({
      tableName: service.tableName,
      dynamodbEndpoint: service.instance.endpoint,
      tokenKeyFile: service.instance.tokenKeyFile,
      maxBodyBytes: 1 << 20,
    }).deps;

  async function scimUsers(): Promise<StoredResource[]> {
    const users: StoredResource[] = [];
    let afterId: string | undefined;
    do {
      const page = await deps().directory.listUsers(tenantId, afterId === undefined ? {} : { afterId }, 500);
      users.push(...page.items);
      afterId = page.lastId;
    } while (afterId !== undefined);
    return users;
  }

  const ofTenant = (events: Published[]) => events.filter((event) => event.detail.tenantId === tenantId);
  const connectArgs = () => [
    ...connectTo(graph, tenantId),
    '--filter',
    'department=Sales,Support',
    '--filter',
    'accountEnabled=true',
  ];

  it('refuses to connect while SCIM tokens are live, then switches with --revoke-scim-tokens', async () => {
    const created = await admin('tenant', 'create', tenantId);
    const token = /^Secret Token: (\S+)$/m.exec(created.out)?.[1] as string;

    const refused = await admin(...connectArgs());
    const connected = await admin(...connectArgs(), '--revoke-scim-tokens');

    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/live SCIM token.*--revoke-scim-tokens/);
    expect(connected.code).toBe(0);
    expect(connected.out).toContain(`Entra tenant ${graph.entraTenantId}`);
    expect(connected.out + connected.err).not.toContain(graph.clientSecret);
    const probe = await scim(`${service.baseUrl}/${tenantId}/Users`, token);
    expect(probe.status).toBe(401);
  });

  it('first run stores exactly the enabled Sales and Support users, each with a User Created event', async () => {
    const expected = directory.users.filter(inScope);

    const result = await admin('sync', 'run', tenantId, '--wait');

    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: '' });
    expect(result.progress.some((line) => /^Syncing .* \[#*\.*\] /.test(line))).toBe(true);
    expect(result.out).toMatch(
      new RegExp(
        `succeeded in [\\d.]+ s \\(full pull\\): ${expected.length} created, 0 updated, 0 deactivated, 0 deleted, ${1_000 - expected.length} skipped, 0 errors`,
      ),
    );
    const users = await scimUsers();
    expect(users.map((user) => user.data.userName).sort()).toEqual(
      expected.map((user) => user.userPrincipalName).sort(),
    );
    expect(users.every((user) => user.data.active === true)).toBe(true);
    const sample = users.find((user) => user.data.userName === expected[0]?.userPrincipalName) as StoredResource;
    const source = expected[0]!;
    expect(sample.data.externalId).toBe(source.id);
    expect((sample.data[ENTERPRISE] as Record<string, unknown>).department).toBe(source.department);
    const events = ofTenant(
      await waitForEvents(
        service.eventsFile,
        (all) => ofTenant(all).filter((event) => event.DetailType === 'User Created').length >= expected.length,
        60_000,
      ),
    );
    const createdIds = events
      .filter((event) => event.DetailType === 'User Created')
      .map((event) => event.detail.resourceId);
    expect(new Set(createdIds)).toEqual(new Set(users.map((user) => user.id)));
    expect(createdIds).toHaveLength(expected.length);
    expect(events.filter((event) => event.DetailType === 'Group Created')).toHaveLength(5);
    expect(events.every((event) => event.detail.requestId.startsWith('graph-sync:'))).toBe(true);
  });

  it('refuses SCIM writes while Graph-connected, with a clear error', async () => {
    const issued = await admin('token', 'issue', tenantId);
    const token = /^Secret Token: (\S+)$/m.exec(issued.out)?.[1] as string;

    const write = await scim(`${service.baseUrl}/${tenantId}/Users`, token, {
      method: 'POST',
      body: { schemas: [USER_SCHEMA], userName: `x-${randomUUID()}@c.example` },
    });

    expect(write.status).toBe(403);
    expect(String(write.body?.detail)).toMatch(/pulled from Microsoft Graph/);
    const tokens = JSON.parse((await admin('token', 'list', tenantId, '--json')).out) as Array<{
      id: string;
      live: boolean;
    }>;
    for (const live of tokens.filter((candidate) => candidate.live)) await admin('token', 'revoke', tenantId, live.id);
  });

  it('second run applies exactly 10 changes, 3 disables, 2 deletions and 1 group removal, with exactly those events', async () => {
    const before = ofTenant(readEvents(service.eventsFile)).length;
    const candidates = directory.users.filter(inScope);
    const changed = candidates.slice(0, 10);
    const disabled = candidates.slice(10, 13);
    const deleted = candidates.slice(13, 15);
    const managers = graph.membersOf(directory.groups.Managers as string);
    const leaver = candidates.find(
      (user) => managers.includes(user.id) && ![...changed, ...disabled, ...deleted].includes(user),
    )!;
    changed.forEach((user, index) => graph.updateUser(user.id, { jobTitle: `Promoted ${index}`, mobilePhone: null }));
    disabled.forEach((user) => graph.updateUser(user.id, { accountEnabled: false }));
    deleted.forEach((user) => graph.deleteUser(user.id));
    graph.removeMember(directory.groups.Managers as string, leaver.id);

    const result = await admin('sync', 'run', tenantId, '--wait');

    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: '' });
    expect(result.out).toMatch(
      /succeeded in [\d.]+ s: 0 created, 10 updated, 3 deactivated, 2 deleted, 0 skipped, 0 errors/,
    );
    const events = ofTenant(
      await waitForEvents(service.eventsFile, (all) => ofTenant(all).length >= before + 16, 60_000),
    ).slice(before);
    // Give a straggler the chance to show up before asserting "exactly".
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const all = ofTenant(readEvents(service.eventsFile)).slice(before);
    expect(all).toHaveLength(events.length);
    const types = all.map((event) => event.DetailType).sort();
    expect(types).toEqual(
      [
        ...Array(1).fill('Group Members Removed'),
        ...Array(3).fill('User Deactivated'),
        ...Array(2).fill('User Deleted'),
        ...Array(10).fill('User Updated'),
      ].sort(),
    );
    const users = await scimUsers();
    const byName = new Map(users.map((user) => [user.data.userName, user]));
    for (const user of changed) {
      const stored = byName.get(user.userPrincipalName)!;
      expect(stored.data.title).toMatch(/^Promoted /);
      // A null in Graph clears the field: the mobile number is gone.
      expect(JSON.stringify(stored.data.phoneNumbers ?? [])).not.toContain('mobile');
    }
    disabled.forEach((user) => expect(byName.get(user.userPrincipalName)?.data.active).toBe(false));
    deleted.forEach((user) => expect(byName.has(user.userPrincipalName)).toBe(false));
    const removed = all.find((event) => event.DetailType === 'Group Members Removed')!;
    expect(removed.detail.members?.removed).toEqual([byName.get(leaver.userPrincipalName)?.id]);
  });

  it('a 410 from Graph forces a full resync that ends in the same state, and 429s only slow it down', async () => {
    const before = (await scimUsers()).map((user) => [user.data.userName, user.version, user.data.active]).sort();
    const eventsBefore = ofTenant(readEvents(service.eventsFile)).length;
    graph.expireDeltaTokens();
    graph.throttle(2, 3);
    graph.throttle(2);
    waits.length = 0;

    const result = await admin('sync', 'run', tenantId, '--wait');

    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: '' });
    expect(result.out).toMatch(
      /succeeded .*\(full pull\): 0 created, 0 updated, 0 deactivated, 0 deleted, \d+ skipped, 0 errors/,
    );
    expect(result.out).toMatch(/4 throttled, 1 resyncs/);
    expect(waits).toEqual(expect.arrayContaining([3_000, 3_000]));
    expect(waits).toHaveLength(4);
    const after = (await scimUsers()).map((user) => [user.data.userName, user.version, user.data.active]).sort();
    expect(after).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ofTenant(readEvents(service.eventsFile)).length).toBe(eventsBefore);
  });

  it('sync status --json shows the runs with the contract field names', async () => {
    const result = await admin('sync', 'status', tenantId, '--json');

    expect(result.code).toBe(0);
    const status = JSON.parse(result.out) as {
      runs: Array<Record<string, unknown>>;
      connector: Record<string, unknown>;
    };
    expect(status.runs).toHaveLength(3);
    for (const run of status.runs) {
      for (const field of [
        'status',
        'created',
        'updated',
        'deactivated',
        'deleted',
        'skipped',
        'errors',
        'startedAt',
        'finishedAt',
      ])
        expect(run).toHaveProperty(field);
    }
    const [third, second, first] = status.runs;
    expect(first).toMatchObject({
      status: 'succeeded',
      created: directory.users.filter(inScope).length,
      updated: 0,
      deactivated: 0,
      deleted: 0,
      errors: 0,
    });
    expect(second).toMatchObject({
      status: 'succeeded',
      created: 0,
      updated: 10,
      deactivated: 3,
      deleted: 2,
      skipped: 0,
      errors: 0,
    });
    expect(third).toMatchObject({ status: 'succeeded', full: true });
    expect(JSON.stringify(status)).not.toContain(graph.clientSecret);
    expect(status.connector.deltaLinkAgeSeconds).toEqual(expect.any(Number));
  });
});
