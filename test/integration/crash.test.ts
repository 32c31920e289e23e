import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tenantPartitionKey } from '../../lambdas/contracts/partitions';
import { freePort } from '../../lambdas/local/dynamodb-local';
import { instanceFile, type LocalInstance } from '../../lambdas/local/run';
import { userBody } from '../support/conformance';
import { scim, type ScimCall } from '../support/local-service';
import { exited, killTree, startLocalProcess, type LocalProcess } from '../support/local-process';
import { inspectionClient, partition } from '../support/table-inspection';

/**
 * Two starts of bin/local.ts (tsx, then DynamoDB Local's JVM): with other suites running beside it, a
 * start can take over a minute, and this test is about durability, not start-up time.
 */
const START_TIMEOUT_MS = 180_000;

/**
 * DESIGN.md "never a lost write": `npm start` (bin/local.ts, DynamoDB Local on disk) is killed with
 * SIGKILL in the middle of a burst of creates, then restarted on the same data folder. Every create
 * acknowledged with 2xx is there; no create is half-applied (user item without its userName marker
 * or the reverse); and, where the build publishes events, each acknowledged create has its event.
 */
describe('crash: SIGKILL of the local server in the middle of a burst of creates', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-crash-'));
  let running: LocalProcess | undefined;

  afterAll(async () => {
    if (running?.child.pid) {
      killTree(running.child.pid, 'SIGKILL');
      await exited(running.child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'keeps every acknowledged create, half-applies none, and publishes each acknowledged create after the restart',
    async () => {
      const first = await startLocalProcess(dataDir, await freePort(), START_TIMEOUT_MS);
      running = first;
      const attempted: string[] = [];
      const acknowledged = new Map<string, string>();
      let killed = false;
      const BURST = 120;
      const KILL_AFTER = 25;
      const queue = Array.from({ length: BURST }, () => `crash-${randomUUID().slice(0, 12)}@contoso.example`);
      const worker = async () => {
        for (let userName = queue.shift(); userName !== undefined && !killed; userName = queue.shift()) {
          attempted.push(userName);
          try {
            const response = await scim(`${first.tenantUrl}/Users`, first.token, {
              method: 'POST',
              body: userBody({ userName }),
            });
            if (response.status >= 200 && response.status < 300) acknowledged.set(userName, String(response.body?.id));
          } catch {
            // The connection died with the server: not acknowledged.
          }
          if (!killed && acknowledged.size >= KILL_AFTER) {
            killed = true;
            killTree(first.child.pid ?? 0, 'SIGKILL');
          }
        }
      };

      await Promise.all(Array.from({ length: 16 }, worker));
      await exited(first.child);
      const second = await startLocalProcess(dataDir, await freePort(), START_TIMEOUT_MS);
      running = second;
      const instance = JSON.parse(readFileSync(instanceFile(dataDir), 'utf8')) as LocalInstance;
      const client = inspectionClient(instance.endpoint);

      try {
        expect(killed).toBe(true);
        expect(first.child.signalCode).toBe('SIGKILL');
        expect(attempted.length).toBeGreaterThan(acknowledged.size);
        const reads = await inTurns([...acknowledged], async ([userName, id]) => {
          const read = await readThrough5xx(() => scim(`${second.tenantUrl}/Users/${id}`, second.token));
          return [userName, read] as const;
        });
        const users = await partition(client, instance.tableName, tenantPartitionKey('demo', 'users'));
        const markers = await partition(client, instance.tableName, tenantPartitionKey('demo', 'userNames'));
        const userIdByName = new Map(
          users.map((item) => [String((item.data as { userName: string }).userName).toLowerCase(), String(item.sk)]),
        );
        const markerByName = new Map(markers.map((item) => [String(item.sk), String(item.userId)]));
        // A failure says what was read and what the table holds, so a lost write and a failed read differ.
        expect(
          reads
            .filter(([userName, read]) => read.status !== 200 || read.body?.userName !== userName)
            .map(([userName, read]) => ({
              userName,
              acknowledgedId: acknowledged.get(userName),
              status: read.status,
              detail: read.body?.detail,
              storedId: userIdByName.get(userName) ?? null,
              markerFor: markerByName.get(userName) ?? null,
            })),
        ).toEqual([]);
        const halfApplied = attempted.filter((userName) => userIdByName.get(userName) !== markerByName.get(userName));
        expect(halfApplied).toEqual([]);
        const matched = await inTurns(attempted, (userName) =>
          readThrough5xx(() =>
            scim(`${second.tenantUrl}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, second.token),
          ),
        );
        expect(matched.map((response) => response.body?.totalResults)).toEqual(
          attempted.map((userName) => (userIdByName.has(userName) ? 1 : 0)),
        );
        const total = await scim(`${second.tenantUrl}/Users?count=0`, second.token);
        expect(total.body?.totalResults).toBe(users.length);

        if (second.eventsFile !== undefined) {
          const published = await waitForCreatedEvents(second.eventsFile, [...acknowledged.values()], 20_000);
          expect([...acknowledged.values()].filter((id) => !published.has(id))).toEqual([]);
        }
      } finally {
        client.destroy();
      }
    },
    4 * START_TIMEOUT_MS,
  );
});

/** Runs `work` over `items` four at a time: the read-back checks durability, it is not a load test. */
async function inTurns<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T);
    }),
  );
  return results;
}

/**
 * A read that answers 5xx says nothing about whether the write survived (the restarted engine may still be
 * warming up); like any SCIM client, read again, a few times. A 404 or a wrong body is an answer and is kept.
 */
async function readThrough5xx(read: () => Promise<ScimCall>): Promise<ScimCall> {
  let call = await read();
  for (let attempt = 1; attempt < 5 && call.status >= 500; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    call = await read();
  }
  return call;
}

/** The resource ids with a `User Created` line in the events file, once all of `ids` have one or the time is up. */
async function waitForCreatedEvents(file: string, ids: readonly string[], timeoutMs: number): Promise<Set<string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const published = new Set<string>();
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        const entry = JSON.parse(line) as { DetailType: string; Detail: string };
        if (entry.DetailType === 'User Created')
          published.add(String((JSON.parse(entry.Detail) as { resourceId: string }).resourceId));
      }
    }
    if (ids.every((id) => published.has(id)) || Date.now() > deadline) return published;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
