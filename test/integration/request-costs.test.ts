import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  toGroupItem,
  toMembershipItem,
  toUserItem,
  toUserNameMarkerItem,
  type Item,
} from '../../lambdas/adapters/dynamodb/codec';
import { DynamoDirectoryStore } from '../../lambdas/adapters/dynamodb/directory-store';
import { DynamoGroupStore } from '../../lambdas/adapters/dynamodb/group-store';
import { DynamoWriteStore } from '../../lambdas/adapters/dynamodb/write-store';
import { DynamoGuardStore } from '../../lambdas/adapters/dynamodb/guard-store';
import { DynamoTenantStore } from '../../lambdas/adapters/dynamodb/tenant-store';
import { listUsers } from '../../lambdas/operations/scim/users/list-users';
import { patchGroup } from '../../lambdas/operations/scim/groups/patch-group';
import type { Dependencies, StoredResource } from '../../lambdas/operations/ports';
import type { ScimRequest } from '../../lambdas/operations/request';
import { createDocumentClient } from '../../lambdas/wiring';
import { patchBody } from '../support/conformance';
import { putItems } from '../support/seed';
import { createTestTable } from '../support/table-inspection';

/**
 * docs/data-model.md promises that Entra's hot paths cost the same number of DynamoDB requests
 * whatever the tenant's size: a membership change of one member, and the userName match.
 * Counted by command name at the document client's middleware stack, for a tenant of 10 and of 2,000.
 */
describe('DynamoDB requests per call do not grow with the tenant', () => {
  const SIZES = [10, 2_000] as const;
  const tableName = `scim-costs-${randomUUID()}`;
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  let counted: DynamoDBDocumentClient;
  let seeding: DynamoDBDocumentClient;
  let deps: Dependencies;
  let calls: string[] = [];
  interface SeededTenant {
    tenantId: string;
    groupId: string;
    userNames: string[];
    memberIds: string[];
    outsiderIds: string[];
  }
  const tenants = new Map<number, SeededTenant>();

  /** N users (all members of one group) plus two outsiders, written with BatchWriteItem straight from the codec. */
  const seedTenant = async (size: number) => {
    const tenantId = `costs-${size}-${randomUUID().slice(0, 8)}`;
    const now = new Date().toISOString();
    const user = (index: number): StoredResource => ({
      id: randomUUID(),
      version: 1,
      created: now,
      lastModified: now,
      data: {
        userName: `user${index}@${tenantId}.example`,
        externalId: `x${index}`,
        emails: [{ type: 'work', value: `user${index}@${tenantId}.example` }],
      },
    });
    const members = Array.from({ length: size }, (_unused, index) => user(index));
    const outsiders = [user(size), user(size + 1)];
    const group: StoredResource = {
      id: randomUUID(),
      version: 1,
      created: now,
      lastModified: now,
      data: { displayName: `Group of ${size}` },
    };
    const items: Item[] = [
      toGroupItem(tenantId, group),
      ...[...members, ...outsiders].flatMap((stored) => [
        toUserItem(tenantId, stored),
        toUserNameMarkerItem(tenantId, String(stored.data.userName), stored.id),
      ]),
      ...members.map((member) => toMembershipItem(tenantId, group.id, member.id, 1)),
    ];
    await putItems(seeding, tableName, items, 8);
    tenants.set(size, {
      tenantId,
      groupId: group.id,
      userNames: members.map((member) => String(member.data.userName)),
      memberIds: members.map((member) => member.id),
      outsiderIds: outsiders.map((outsider) => outsider.id),
    });
  };

  const request = (tenantId: string, operation: ScimRequest['operation'], init: Partial<ScimRequest>): ScimRequest => ({
    operation,
    tenantId,
    pathParameters: { tenantId },
    query: {},
    headers: {},
    body: undefined,
    requestId: randomUUID(),
    tenantUrl: `https://scim.example/scim/v2/${tenantId}`,
    ...init,
  });

  /** Runs `act` and returns the DynamoDB commands it sent, counted by name. */
  const costOf = async (act: () => Promise<unknown>) => {
    calls = [];
    await act();
    const counts: Record<string, number> = {};
    for (const name of calls) counts[name] = (counts[name] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    await createTestTable(tableName, endpoint);
    seeding = createDocumentClient({ dynamodbEndpoint: endpoint });
    counted = createDocumentClient({ dynamodbEndpoint: endpoint });
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const tenantStore = new DynamoTenantStore(counted, tableName);
    deps = {
      directory: new DynamoDirectoryStore(counted, tableName),
      groups: new DynamoGroupStore(counted, tableName),
      writes: new DynamoWriteStore(counted, tableName),
      guard: new DynamoGuardStore(counted, tableName),
      tenants: tenantStore,
      log: tenantStore,
      tokenKeys: { getKeyRing: () => Promise.reject(new Error('operations under test do not authenticate')) },
      clock: { now: () => new Date() },
      ids: { newId: () => randomUUID() },
    };
    for (const size of SIZES) await seedTenant(size);
  }, 180_000);

  afterAll(() => {
    counted.destroy();
    seeding.destroy();
  });

  const tenantOf = (size: number) => {
    const tenant = tenants.get(size);
    if (!tenant) throw new Error(`tenant of ${size} was not seeded`);
    return tenant;
  };

  /** One Entra membership PATCH (`op` of the member `memberOf` picks) to the group of each size: the statuses and each call's commands. */
  const patchGroupOfEachSize = async (op: 'Add' | 'Remove', memberOf: (tenant: SeededTenant) => string | undefined) => {
    const costs: Record<string, number>[] = [];
    const statuses: number[] = [];
    for (const size of SIZES) {
      const tenant = tenantOf(size);
      const body = patchBody([{ op, path: 'members', value: [{ $ref: null, value: memberOf(tenant) }] }]);
      const pathParameters = { tenantId: tenant.tenantId, id: tenant.groupId };

      costs.push(
        await costOf(async () =>
          statuses.push(
            (await patchGroup(request(tenant.tenantId, 'patchGroup', { pathParameters, body }), deps)).status,
          ),
        ),
      );
    }
    return { costs, statuses };
  };

  // The group and the member's membership are read in one BatchGetItem, the member's existence in a
  // second; the version is reserved by one UpdateItem outside the transaction, so concurrent member
  // changes of one group never conflict (docs/data-model.md "Write path").
  it('adding one member (Entra Add with "$ref": null) costs 2 BatchGetItem, 1 UpdateItem and 1 TransactWriteItems for a group of 10 and of 2,000', async () => {
    const { costs, statuses } = await patchGroupOfEachSize('Add', (tenant) => tenant.outsiderIds[0]);

    expect(statuses).toEqual([204, 204]);
    expect(costs[0]).toEqual(costs[1]);
    expect(costs[0]).toEqual({ BatchGetItemCommand: 2, UpdateItemCommand: 1, TransactWriteItemsCommand: 1 });
  });

  it('removing one member (Entra default-dialect Remove by value list) costs 1 BatchGetItem, 1 UpdateItem and 1 TransactWriteItems for a group of 10 and of 2,000', async () => {
    const { costs, statuses } = await patchGroupOfEachSize('Remove', (tenant) => tenant.memberIds[3]);
    const remaining = await Promise.all(
      SIZES.map((size) =>
        deps.groups.presentMembers(tenantOf(size).tenantId, tenantOf(size).groupId, [
          tenantOf(size).memberIds[3] as string,
          tenantOf(size).memberIds[4] as string,
        ]),
      ),
    );

    expect(statuses).toEqual([204, 204]);
    expect(remaining.map((present) => present.size)).toEqual([1, 1]);
    expect(costs[0]).toEqual(costs[1]);
    expect(costs[0]).toEqual({ BatchGetItemCommand: 1, UpdateItemCommand: 1, TransactWriteItemsCommand: 1 });
  });

  it("Entra's userName match costs 1 GetItem and 1 BatchGetItem in a tenant of 10 and of 2,000 users", async () => {
    const costs: Record<string, number>[] = [];
    const totals: number[] = [];
    for (const size of SIZES) {
      const { tenantId, userNames } = tenantOf(size);
      const query = { filter: `userName eq "${String(userNames[7]).toUpperCase()}"` };

      costs.push(
        await costOf(async () => {
          totals.push(
            ((await listUsers(request(tenantId, 'listUsers', { query }), deps)).body as { totalResults: number })
              .totalResults,
          );
        }),
      );
    }

    expect(totals).toEqual([1, 1]);
    expect(costs[0]).toEqual(costs[1]);
    expect(costs[0]).toEqual({ GetItemCommand: 1, BatchGetItemCommand: 1 });
  });

  it("Entra's Test Connection probe (no match) costs 1 GetItem in a tenant of 10 and of 2,000 users", async () => {
    const costs: Record<string, number>[] = [];
    for (const size of SIZES) {
      const query = { filter: `userName eq "${randomUUID()}"` };

      costs.push(await costOf(() => listUsers(request(tenantOf(size).tenantId, 'listUsers', { query }), deps)));
    }

    expect(costs[0]).toEqual(costs[1]);
    expect(costs[0]).toEqual({ GetItemCommand: 1 });
  });
});
