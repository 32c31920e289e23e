import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../lambdas/admin/cli';
import { dispatchRuns, workOnRun } from '../../lambdas/operations/graph-sync/sync-dispatch';
import { updateConnector } from '../../lambdas/operations/graph-sync/sync-run';
import type { SyncDependencies } from '../../lambdas/operations/graph-sync/sync-ports';
import { createSyncDependencies } from '../../lambdas/sync-wiring';
import { connectArgs, FakeGraph } from '../support/fake-graph';
import { seedDirectory } from '../support/graph-directory';
import { useTestService } from '../support/local-service';

jest.setTimeout(300_000);

describe('Graph sync dispatcher: connector crons in the tenant time zone, with a fake clock', () => {
  const service = useTestService();
  let graph: FakeGraph;

  beforeAll(async () => {
    graph = await new FakeGraph({ pageSize: 50 }).start();
    seedDirectory(graph, 6);
  });

  afterAll(async () => {
    await graph.stop();
  });

  const io: () => CliIo = () => ({ out: () => undefined, err: () => undefined, dataDir: service.dataDir });
  let now = new Date();
  /** `time` (UTC) on the day `offset` days after today (by the real clock). */
  const day = (offset: number, time: string) =>
    new Date(`${new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)}T${time}Z`);
  const deps = (): SyncDependencies => ({
    ...createSyncDependencies(
      {
        tableName: service.tableName,
        dynamodbEndpoint: service.instance.endpoint,
        tokenKeyFile: service.instance.tokenKeyFile,
        maxBodyBytes: 1 << 20,
      },
      { secretsDir: join(service.dataDir, 'connector-secrets'), tenantUrlBase: service.baseUrl },
    ),
    clock: { now: () => now },
  });

  it('starts a run once 06:00 in Kolkata (00:30 UTC, no daylight saving) has passed, hands a queued run out until a slice takes it, and never twice per occurrence', async () => {
    const tenantId = `cron-${randomUUID().slice(0, 6)}`;
    await runCli(['--local', 'tenant', 'create', tenantId], io());
    const connect = await runCli(
      [
        '--local',
        ...connectArgs(graph, tenantId),
        '--schedule',
        '0 6 * * *',
        '--time-zone',
        'Asia/Kolkata',
        '--revoke-scim-tokens',
      ],
      io(),
    );
    expect(connect).toBe(0);
    // The connector is created by the real clock: before 00:30 UTC, today's occurrence would still be
    // ahead of it and due "tomorrow". Start from today's occurrence having run, whatever the hour.
    expect(await updateConnector(deps(), tenantId, () => ({ lastScheduledAt: day(0, '00:30:00').toISOString() }))).toBe(
      true,
    );
    const mine = (runs: Awaited<ReturnType<typeof dispatchRuns>>) => runs.filter((run) => run.tenantId === tenantId);

    now = day(1, '00:29:00');
    const early = mine(await dispatchRuns(deps()));
    now = day(1, '00:31:00');
    const due = mine(await dispatchRuns(deps()));
    now = day(1, '00:32:00');
    const again = mine(await dispatchRuns(deps()));
    const slice = await workOnRun(deps(), due[0]!, Date.now() + 600_000);
    const twice = await workOnRun(deps(), due[0]!, Date.now() + 600_000);
    now = day(1, '00:33:00');
    const after = mine(await dispatchRuns(deps()));
    now = day(2, '00:30:30');
    const nextDay = mine(await dispatchRuns(deps()));

    expect(early).toEqual([]);
    expect(due).toHaveLength(1);
    expect(again).toEqual(due);
    expect(slice).toMatchObject({ done: true, status: 'succeeded' });
    expect(twice).toMatchObject({ done: true, status: 'succeeded' });
    expect(after).toEqual([]);
    expect(nextDay).toHaveLength(1);
    expect(nextDay[0]?.runId).not.toBe(due[0]?.runId);
    const [run] = await deps().sync.listRuns(tenantId, 1);
    expect(run?.trigger).toBe('schedule');
  });
});
