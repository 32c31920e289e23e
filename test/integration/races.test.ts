import { randomUUID } from 'node:crypto';
import { tenantPartitionKey } from '../../lambdas/contracts/partitions';
import { membersPartition } from '../../lambdas/adapters/dynamodb/keys';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createGroup,
  createUser,
  filterUrl,
  useTenant,
  patchBody,
  read,
  storedMemberIds,
  userBody,
} from '../support/conformance';
import { scim, useTestService } from '../support/local-service';
import { inspectionClient, partition, type RawItem } from '../support/table-inspection';

/**
 * Concurrent writers against the real engine (DynamoDB Local): uniqueness is enforced by the create
 * transaction, If-Match by the conditional write, and unpinned PATCHes retry instead of losing a change.
 */
describe('concurrent writes against DynamoDB Local', () => {
  const service = useTestService();
  let client: DynamoDBDocumentClient;
  const tenant = useTenant(service, 'race');

  beforeAll(async () => {
    client = inspectionClient();
  }, 30_000);

  afterAll(async () => {
    client.destroy();
  });

  const eventsOf = async (resourceId: string): Promise<RawItem[]> =>
    (await partition(client, service.tableName, tenantPartitionKey(tenant.tenantId, 'events'))).filter(
      (item) => (item.detail as { resourceId?: string }).resourceId === resourceId,
    );

  it('12 concurrent creates of one userName (in different cases): one 201, eleven 409 uniqueness, one user, one marker, one event', async () => {
    const userName = `race-${randomUUID().slice(0, 8)}@contoso.example`;
    const spellings = Array.from({ length: 12 }, (_unused, index) =>
      index % 2 === 0 ? userName : userName.toUpperCase(),
    );

    const responses = await Promise.all(
      spellings.map((spelling) =>
        scim(tenant.users, tenant.token, { method: 'POST', body: userBody({ userName: spelling }) }),
      ),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(11).fill(409)]);
    expect(
      responses
        .filter((response) => response.status === 409)
        .every((response) => response.body?.scimType === 'uniqueness'),
    ).toBe(true);
    const winner = responses.find((response) => response.status === 201)?.body as Record<string, unknown>;
    const matched = await scim(filterUrl(tenant.users, `userName eq "${userName}"`), tenant.token);
    expect(matched.body?.totalResults).toBe(1);
    const userItems = (await partition(client, service.tableName, tenantPartitionKey(tenant.tenantId, 'users'))).filter(
      (item) => String((item.data as { userName?: string })?.userName ?? '').toLowerCase() === userName,
    );
    expect(userItems.map((item) => item.sk)).toEqual([winner.id]);
    const markers = (
      await partition(client, service.tableName, tenantPartitionKey(tenant.tenantId, 'userNames'))
    ).filter((item) => item.sk === userName);
    expect(markers.map((item) => item.userId)).toEqual([winner.id]);
    expect((await eventsOf(String(winner.id))).map((item) => item.detailType)).toEqual(['User Created']);
  });

  it('concurrent PATCHes with the same If-Match: exactly one 200, the rest 412, and the version moves by one', async () => {
    const user = await createUser(tenant);
    const etag = `W/"${(user.meta as { version: string }).version.replace(/^W\/"|"$/g, '')}"`;
    const titles = Array.from({ length: 8 }, (_unused, index) => `Title ${index}`);

    const responses = await Promise.all(
      titles.map((title) =>
        scim(`${tenant.users}/${user.id}`, tenant.token, {
          method: 'PATCH',
          headers: { 'If-Match': etag },
          body: patchBody([{ op: 'replace', path: 'title', value: title }]),
        }),
      ),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(7).fill(412)]);
    const winner = responses.find((response) => response.status === 200)?.body as Record<string, unknown>;
    const stored = await read(tenant, `${tenant.users}/${user.id}`);
    expect(stored.title).toBe(winner.title);
    expect((stored.meta as { version: string }).version).toBe('W/"2"');
    expect((await eventsOf(String(user.id))).map((item) => item.detailType).sort()).toEqual([
      'User Created',
      'User Updated',
    ]);
  });

  it('concurrent member adds without If-Match: every member present once, one Members Added per member, and a new ETag per change', async () => {
    const group = await createGroup(tenant);
    const members = await Promise.all(Array.from({ length: 10 }, () => createUser(tenant)));
    // The first member is added by two requests: the second add changes nothing and must not bump the version.
    const adds = [...members.map((member) => String(member.id)), String(members[0]?.id)];

    const responses = await Promise.all(
      adds.map((memberId) =>
        scim(`${tenant.groups}/${group.id}`, tenant.token, {
          method: 'PATCH',
          body: patchBody([{ op: 'Add', path: 'members', value: [{ value: memberId }] }]),
        }),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array<number>(adds.length).fill(204));
    expect(await storedMemberIds(tenant, String(group.id))).toEqual(members.map((member) => String(member.id)).sort());
    const membershipItems = await partition(client, service.tableName, membersPartition(tenant.tenantId, group.id));
    expect(membershipItems).toHaveLength(members.length);
    // Versions are reserved before the membership transaction (docs/events.md "Ordering"): the losing
    // duplicate add may have reserved one it then found nothing to do with, so versions can skip.
    const stored = await read(tenant, `${tenant.groups}/${group.id}?excludedAttributes=members`);
    const version = Number(/\d+/.exec((stored.meta as { version: string }).version)?.[0]);
    expect(version).toBeGreaterThanOrEqual(1 + members.length);
    const etags = responses.map((response) => response.headers.get('etag'));
    expect(new Set(etags).size).toBeGreaterThanOrEqual(members.length);
    const added = (await eventsOf(String(group.id))).filter((item) => item.detailType === 'Group Members Added');
    const addedIds = added.flatMap((item) => (item.detail as { members: { added: string[] } }).members.added);
    expect(addedIds.sort()).toEqual(members.map((member) => String(member.id)).sort());
  });
});
