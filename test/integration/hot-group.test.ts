import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tenantPartitionKey } from '../../lambdas/contracts/partitions';
import { membersPartition } from '../../lambdas/adapters/dynamodb/keys';
import {
  createGroup,
  createUser,
  newTenant,
  patchBody,
  storedGroupIds,
  storedMemberIds,
  sorted,
  type ConformanceTenant,
} from '../support/conformance';
import { scim, useTestService } from '../support/local-service';
import { inspectionClient, partition, type RawItem } from '../support/table-inspection';
import { seedUsers } from '../support/seed';

/**
 * The "All Users" group every customer creates, written by many clients at once (issue: one write
 * path). Membership changes of one group commute: none of them may fail or get lost, whatever the
 * interleaving, and deletes racing membership writes leave nothing behind.
 */
describe('one group, many concurrent writers', () => {
  // Heavy by design (thousands of requests); generous so that a loaded 2-core machine still passes.
  jest.setTimeout(300_000);

  const service = useTestService({ ownEngine: true });
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    client = inspectionClient();
  });

  afterAll(async () => {
    client.destroy();
  });

  /** Runs `work` over `items` with at most `concurrency` in flight. */
  async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array<R>(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T);
      }),
    );
    return results;
  }

  const createUsers = (tenant: ConformanceTenant, count: number): Promise<string[]> =>
    seedUsers(service.tableName, tenant.tenantId, count);

  const addMembers = (tenant: ConformanceTenant, groupId: string, ids: readonly string[]) =>
    scim(`${tenant.groups}/${groupId}`, tenant.token, {
      method: 'PATCH',
      body: patchBody([{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }]),
    });

  const eventsOf = async (tenant: ConformanceTenant, resourceId?: string): Promise<RawItem[]> =>
    (await partition(client, service.tableName, tenantPartitionKey(tenant.tenantId, 'events')))
      .map((item) => item.detail as RawItem)
      .filter((detail) => resourceId === undefined || detail.resourceId === resourceId);

  const membershipItemsOf = async (tenant: ConformanceTenant, groupId: string) =>
    (await partition(client, service.tableName, membersPartition(tenant.tenantId, groupId))).filter(
      (item) => item.state !== 'removed',
    );

  it.each([8, 16])(
    '%i concurrent 50-member PATCHes, then as many concurrent remove-one/re-add-one PATCHes: every request 2xx, exact final membership',
    async (writers) => {
      const tenant = await newTenant(service, `hot${writers}`);
      const group = await createGroup(tenant, { displayName: 'All Users' });
      const existing = await createUsers(tenant, 20);
      expect((await addMembers(tenant, String(group.id), existing)).status).toBe(204);
      const fresh = await createUsers(tenant, writers * 50);
      const batches = Array.from({ length: writers }, (_unused, index) => fresh.slice(index * 50, index * 50 + 50));

      const adds = await Promise.all(batches.map((batch) => addMembers(tenant, String(group.id), batch)));
      // Writer i removes one member of batch i and re-adds the one it removed before (an Entra cycle of moves).
      const swaps = await Promise.all(
        batches.map((batch, index) =>
          scim(`${tenant.groups}/${group.id}`, tenant.token, {
            method: 'PATCH',
            body: patchBody([
              { op: 'Remove', path: 'members', value: [{ value: batch[0] }] },
              { op: 'Add', path: 'members', value: [{ value: existing[index % existing.length] }] },
            ]),
          }),
        ),
      );

      expect(adds.map((call) => call.status)).toEqual(Array<number>(writers).fill(204));
      expect(swaps.map((call) => call.status)).toEqual(Array<number>(writers).fill(204));
      const intended = sorted([...existing, ...batches.flatMap((batch) => batch.slice(1))]);
      expect(await storedMemberIds(tenant, String(group.id))).toEqual(intended);
      expect(await membershipItemsOf(tenant, String(group.id))).toHaveLength(intended.length);
      const events = await eventsOf(tenant, String(group.id));
      const added = events
        .filter((event) => event.detailType === 'Group Members Added')
        .flatMap((event) => (event.members as { added: string[] }).added);
      const removed = events
        .filter((event) => event.detailType === 'Group Members Removed')
        .flatMap((event) => (event.members as { removed: string[] }).removed);
      expect(sorted(added)).toEqual(sorted([...existing, ...fresh]));
      expect(sorted(removed)).toEqual(sorted(batches.map((batch) => batch[0] as string)));
    },
  );

  it('an Entra-like initial sync: 3,000 users, then 8 clients adding them to one group in 100-member chunks: 0 errors', async () => {
    const tenant = await newTenant(service, 'sync');
    const group = await createGroup(tenant, { displayName: 'All Users' });
    const users = await createUsers(tenant, 3_000);
    const chunks = Array.from({ length: users.length / 100 }, (_unused, index) =>
      users.slice(index * 100, index * 100 + 100),
    );

    const calls = await pool(chunks, 8, async (chunk) => await addMembers(tenant, String(group.id), chunk));

    expect(
      calls.filter((call) => call.status !== 204).map((call) => `${call.status} ${String(call.body?.detail)}`),
    ).toEqual([]);
    expect(await storedMemberIds(tenant, String(group.id))).toEqual(sorted(users));
  });

  it('deleting a user while 4 PATCHes add it to 4 groups leaves no membership behind, and no Members Added after its User Deleted (50 rounds)', async () => {
    const tenant = await newTenant(service, 'delrace');
    const groups = await Promise.all(Array.from({ length: 4 }, () => createGroup(tenant)));
    let dangling = 0;
    let lateAdds = 0;

    const users: string[] = [];
    for (let round = 0; round < 50; round += 1) {
      const user = String((await createUser(tenant)).id);
      users.push(user);
      const calls = await Promise.all([
        scim(`${tenant.users}/${user}`, tenant.token, { method: 'DELETE' }),
        ...groups.map((group) => addMembers(tenant, String(group.id), [user])),
      ]);
      expect(calls[0]?.status).toBe(204);
      for (const call of calls.slice(1)) expect([204, 400]).toContain(call.status);
    }
    for (const group of groups)
      dangling += (await membershipItemsOf(tenant, String(group.id))).filter((item) =>
        users.includes(String(item.memberId)),
      ).length;
    const events = await eventsOf(tenant);
    for (const user of users) {
      const deleted = events.find((event) => event.detailType === 'User Deleted' && event.resourceId === user);
      lateAdds += events.filter(
        (event) =>
          event.detailType === 'Group Members Added' &&
          (event.members as { added: string[] }).added.includes(user) &&
          String(event.occurredAt) > String(deleted?.occurredAt),
      ).length;
    }

    expect(dangling).toBe(0);
    expect(lateAdds).toBe(0);
  });

  it('a DELETE racing PATCHes of the same user or group never answers 412 without If-Match, and what it deletes is gone with its memberships (20 rounds)', async () => {
    const tenant = await newTenant(service, 'del412');
    const statuses: number[] = [];

    for (let round = 0; round < 20; round += 1) {
      const user = String((await createUser(tenant)).id);
      const group = await createGroup(tenant);
      expect((await addMembers(tenant, String(group.id), [user])).status).toBe(204);
      const calls = await Promise.all([
        scim(`${tenant.users}/${user}`, tenant.token, { method: 'DELETE' }),
        scim(`${tenant.groups}/${group.id}`, tenant.token, { method: 'DELETE' }),
        ...Array.from({ length: 3 }, (_unused, index) =>
          scim(`${tenant.users}/${user}`, tenant.token, {
            method: 'PATCH',
            body: patchBody([{ op: 'replace', path: 'title', value: `t${index}` }]),
          }),
        ),
        scim(`${tenant.groups}/${group.id}`, tenant.token, {
          method: 'PATCH',
          body: patchBody([{ op: 'replace', path: 'displayName', value: `renamed ${round}` }]),
        }),
      ]);
      statuses.push(...calls.map((call) => call.status));

      expect(calls[0]?.status).toBe(204);
      expect(calls[1]?.status).toBe(204);
      expect((await scim(`${tenant.users}/${user}`, tenant.token)).status).toBe(404);
      expect((await scim(`${tenant.groups}/${group.id}`, tenant.token)).status).toBe(404);
      expect(await membershipItemsOf(tenant, String(group.id))).toEqual([]);
    }

    expect(statuses).not.toContain(412);
    expect(statuses.every((status) => [200, 204, 404].includes(status))).toBe(true);
  });

  it('a rename plus 200 member adds in one PATCH writes one provisioning-log entry per committed transaction', async () => {
    const tenant = await newTenant(service, 'log');
    const group = await createGroup(tenant);
    const members = await createUsers(tenant, 200);

    const call = await scim(`${tenant.groups}/${group.id}`, tenant.token, {
      method: 'PATCH',
      body: patchBody([
        { op: 'replace', path: 'displayName', value: 'Renamed with members' },
        { op: 'Add', path: 'members', value: members.map((value) => ({ value })) },
      ]),
    });

    expect(call.status).toBe(204);
    const events = await eventsOf(tenant, String(group.id));
    const transactions = new Set(
      events.filter((event) => event.detailType !== 'Group Created').map((event) => event.version),
    );
    const log = (await partition(client, service.tableName, tenantPartitionKey(tenant.tenantId, 'log'))).filter(
      (item) => item.resourceId === group.id && item.operation !== 'Group Created',
    );
    expect(transactions.size).toBeGreaterThanOrEqual(3);
    expect(log).toHaveLength(transactions.size);
    expect(sorted(log.map((item) => String(item.version)))).toEqual(sorted([...transactions].map(String)));
    expect(await storedGroupIds(tenant, members[0] as string)).toEqual([String(group.id)]);
  });
});
