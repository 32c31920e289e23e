import { existsSync, readFileSync } from 'node:fs';
import type { BenchEnvironment, BenchTenant, ScimRequestSpec } from './harness';
import { progress, round } from './harness';
import { GROUP_SCHEMA, PATCH_OP, newUserBody } from './operations';

/** Entra's member batch size is not documented (shared/entra/README.md); the bench sends this many per PATCH. */
export const MEMBER_BATCH = 100;

export interface SyncFigures {
  users: number;
  groups: number;
  clients: number;
  memberBatch: number;
  operations: number;
  seconds: number;
  operationsPerSecond: number;
  errors: number;
  throttled: number;
  changesMade: number;
  /** Distinct event ids delivered to the local events file for the sync's tenant; null when there is no publisher. */
  eventsDelivered: number | null;
  duplicateEvents: number | null;
  /** Changes (created users/groups, added memberships) that no delivered event reports. */
  changesWithoutEvent: number | null;
  eventsWaitSeconds: number | null;
}

/**
 * An Entra-like initial sync over HTTP with a few concurrent clients: each user is matched by
 * userName then created; each group is matched by displayName, created, then filled in batches.
 * Group 0 ("All Users") holds every user; the others a slice each.
 */
export async function runSync(
  environment: BenchEnvironment,
  options: { users: number; groups: number; clients: number },
): Promise<SyncFigures> {
  const tenant: BenchTenant = await environment.createTenant('sync');
  progress(
    `sync: ${options.users} users, ${options.groups} groups, ${options.clients} clients, tenant ${tenant.tenantId}`,
  );
  let operations = 0;
  let errors = 0;
  let throttled = 0;
  let changesMade = 0;
  const call = async (spec: ScimRequestSpec, expect: number) => {
    for (;;) {
      operations++;
      const response = await environment.http(tenant, spec);
      if (response.status === 429) {
        throttled++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (response.status !== expect) {
        errors++;
        if (errors <= 5)
          progress(
            `  sync error: ${spec.method} ${spec.path} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`,
          );
        return undefined;
      }
      if (spec.method !== 'GET') changesMade++;
      return response.body;
    }
  };
  const parallel = async (count: number, work: (index: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        for (let index = next++; index < count; index = next++) await work(index);
      }),
    );
  };

  const started = performance.now();
  const userIds: string[] = new Array(options.users);
  let reported = Date.now();
  await parallel(options.users, async (index) => {
    const userName = `sync${index}@${tenant.tenantId}.example`;
    await call({ method: 'GET', path: '/Users', query: { filter: `userName eq "${userName}"` } }, 200);
    const created = await call({ method: 'POST', path: '/Users', body: newUserBody(userName, `sync${index}`) }, 201);
    if (created) userIds[index] = String(created.id);
    if (Date.now() - reported > 15_000) {
      reported = Date.now();
      progress(`  sync: ${index} users, ${round(operations / ((performance.now() - started) / 1000), 1)} ops/s`);
    }
  });
  const memberships: Array<[string, string]> = [];
  await parallel(options.groups, async (index) => {
    const displayName = index === 0 ? 'All Users' : `Sync Group ${index}`;
    await call(
      {
        method: 'GET',
        path: '/Groups',
        query: { excludedAttributes: 'members', filter: `displayName eq "${displayName}"` },
      },
      200,
    );
    const created = await call(
      {
        method: 'POST',
        path: '/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName, externalId: `sync-group-${index}` },
      },
      201,
    );
    if (!created) return;
    const groupId = String(created.id);
    const members = userIds.filter(
      (id, user) => id !== undefined && (index === 0 || user % (options.groups - 1) === index - 1),
    );
    for (let start = 0; start < members.length; start += MEMBER_BATCH) {
      const batch = members.slice(start, start + MEMBER_BATCH);
      const done = await call(
        {
          method: 'PATCH',
          path: `/Groups/${groupId}`,
          body: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'Add', path: 'members', value: batch.map((value) => ({ $ref: null, value })) }],
          },
        },
        204,
      );
      if (done !== undefined) memberships.push(...batch.map((member): [string, string] => [groupId, member]));
    }
    memberships.push(['group', groupId]);
  });
  const seconds = (performance.now() - started) / 1000;
  progress(`  sync: ${operations} calls in ${round(seconds, 1)} s, ${errors} errors; waiting for events`);

  const expected = new Set<string>([
    ...userIds.filter(Boolean).map((id) => `User Created ${id}`),
    ...memberships.map(([group, member]) =>
      group === 'group' ? `Group Created ${member}` : `member ${group} ${member}`,
    ),
  ]);
  const events = await waitForEvents(environment.service.eventsFile, tenant.tenantId, expected);
  return {
    users: options.users,
    groups: options.groups,
    clients: options.clients,
    memberBatch: MEMBER_BATCH,
    operations,
    seconds: round(seconds, 1),
    operationsPerSecond: round(operations / seconds, 1),
    errors,
    throttled,
    changesMade,
    ...events,
  };
}

/** Reads the local events file until every expected change has an event, or the stream stops delivering. */
async function waitForEvents(file: string, tenantId: string, expected: ReadonlySet<string>) {
  const started = Date.now();
  let lastCount = -1;
  let lastGrowth = Date.now();
  for (;;) {
    const ids = new Set<string>();
    const covered = new Set<string>();
    let lines = 0;
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.includes(tenantId)) continue;
        const detail = JSON.parse(JSON.parse(line).Detail as string);
        if (detail.tenantId !== tenantId) continue;
        lines++;
        ids.add(detail.eventId);
        if (detail.detailType === 'User Created' || detail.detailType === 'Group Created')
          covered.add(`${detail.detailType} ${detail.resourceId}`);
        for (const member of detail.members?.added ?? []) covered.add(`member ${detail.resourceId} ${member}`);
      }
    }
    const missing = [...expected].filter((change) => !covered.has(change)).length;
    if (lines !== lastCount) {
      lastCount = lines;
      lastGrowth = Date.now();
    }
    if (missing === 0 || Date.now() - lastGrowth > 20_000) {
      return {
        eventsDelivered: ids.size,
        duplicateEvents: lines - ids.size,
        changesWithoutEvent: missing,
        eventsWaitSeconds: round((Date.now() - started) / 1000, 1),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
