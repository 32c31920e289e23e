import { createGroup } from '../../../lambdas/operations/scim/groups/create-group';
import { deleteUser } from '../../../lambdas/operations/scim/users/delete-user';
import { patchGroup } from '../../../lambdas/operations/scim/groups/patch-group';
import { replaceGroup } from '../../../lambdas/operations/scim/groups/replace-group';
import { MAX_MEMBER_VALUES } from '../../../lambdas/operations/scim/groups/group-writes';
import { CommitFailure } from '../../../lambdas/operations/writes/write-plan';
import { ScimError } from '../../../lambdas/scim/errors';
import { MemoryPorts, scimRequest } from '../../support/memory-ports';
import type { StoredResource } from '../../../lambdas/operations/ports';
import { GROUP_SCHEMA, PATCH_OP } from '../../../lambdas/scim/schema/urns';

const PATCH = PATCH_OP;
const GROUP = GROUP_SCHEMA;

const patch = (id: string, operations: unknown[], headers: Record<string, string> = {}) =>
  scimRequest('patchGroup', {
    pathParameters: { tenantId: 'acme', id },
    headers,
    body: { schemas: [PATCH], Operations: operations },
  });
const putMembers = (id: string, ids: readonly string[]) =>
  scimRequest('replaceGroup', {
    pathParameters: { tenantId: 'acme', id },
    body: { schemas: [GROUP], displayName: 'All Users', members: ids.map((value) => ({ value })) },
  });
const postMembers = (ids: readonly string[]) =>
  scimRequest('createGroup', {
    body: { schemas: [GROUP], displayName: 'Big', members: ids.map((value) => ({ value })) },
  });
const add = (...ids: string[]) => ({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) });
const remove = (...ids: string[]) => ({ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) });

describe('group use cases over in-memory ports (the write plan, without Java)', () => {
  let ports: MemoryPorts;

  beforeEach(() => {
    ports = new MemoryPorts();
    for (const id of ['u1', 'u2', 'u3']) ports.seedUser(id, `${id}@contoso.example`);
    ports.seedGroup('g1', 'All Users', ['u1']);
  });

  describe('PATCH Group members', () => {
    it('adds absent members with one Group Members Added listing exactly them, in a transaction that never writes the group item', async () => {
      const response = await patchGroup(patch('g1', [add('u1', 'u2', 'u3')]), ports.deps());

      expect(response.status).toBe(204);
      expect(ports.membersOf('g1')).toEqual(['u1', 'u2', 'u3']);
      expect(ports.events.map((event) => [event.detailType, event.members?.added])).toEqual([
        ['Group Members Added', ['u2', 'u3']],
      ]);
      expect(ports.committed[0]?.writes.some((write) => write.type === 'putResource')).toBe(false);
      expect(
        ports.committed[0]?.writes
          .filter((write) => write.type === 'memberExists')
          .map((write) => write.type === 'memberExists' && write.memberId),
      ).toEqual(['u2', 'u3']);
      expect(response.headers?.ETag).toBe('W/"2"');
    });

    it('changes nothing and emits nothing for an add of a present member and a remove of an absent one', async () => {
      const response = await patchGroup(patch('g1', [add('u1'), remove('u2')]), ports.deps());

      expect(response.headers?.ETag).toBe('W/"1"');
      expect(ports.events).toEqual([]);
      expect(ports.committed).toEqual([]);
      expect(ports.groups.get('g1')?.version).toBe(1);
    });

    it('answers 412 when If-Match names another version, and writes nothing', async () => {
      await expect(patchGroup(patch('g1', [add('u2')], { 'if-match': 'W/"7"' }), ports.deps())).rejects.toMatchObject({
        status: 412,
      });

      expect(ports.membersOf('g1')).toEqual(['u1']);
      expect(ports.groups.get('g1')?.version).toBe(1);
    });

    it('refuses a member that is not a user or group of the tenant with 400 invalidValue, writing nothing', async () => {
      await expect(patchGroup(patch('g1', [add('u2', 'nobody')]), ports.deps())).rejects.toMatchObject({
        status: 400,
        scimType: 'invalidValue',
      });

      expect(ports.membersOf('g1')).toEqual(['u1']);
      expect(ports.events).toEqual([]);
    });

    it('retries a transaction conflict with the version it already reserved, so the group moves by one version', async () => {
      ports.failNext(new CommitFailure('transactionConflict', 'another transaction held an item'));

      const response = await patchGroup(patch('g1', [add('u2')]), ports.deps());

      expect(response.headers?.ETag).toBe('W/"2"');
      expect(ports.groups.get('g1')?.version).toBe(2);
      expect(ports.events.map((event) => event.version)).toEqual([2]);
    });

    it('keeps the cause of a storage failure it cannot get past and answers 429', async () => {
      const cause = new Error('ProvisionedThroughputExceededException');
      ports.failNext(new CommitFailure('throttled', 'throttled', { cause }));

      const error = await patchGroup(patch('g1', [add('u2')]), ports.deps()).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(429);
    });

    it('splits a rename plus 200 adds into transactions of at most 100 items, each with its events and one log entry of its own version', async () => {
      const ids = Array.from({ length: 200 }, (_unused, index) => `m${index}`);
      for (const id of ids) ports.seedUser(id, `${id}@contoso.example`);

      await patchGroup(
        patch('g1', [{ op: 'replace', path: 'displayName', value: 'Everyone' }, add(...ids)]),
        ports.deps(),
      );

      expect(ports.membersOf('g1')).toHaveLength(201);
      expect(ports.committed.length).toBeGreaterThanOrEqual(5);
      for (const transaction of ports.committed) expect(transaction.writes.length).toBeLessThanOrEqual(100);
      expect(ports.committed[0]?.writes[0]).toMatchObject({
        type: 'putResource',
        expected: { kind: 'version', version: 1 },
      });
      expect(ports.events[0]).toMatchObject({
        detailType: 'Group Updated',
        version: 2,
        changedAttributes: ['displayName'],
      });
      expect(ports.events.flatMap((event) => event.members?.added ?? []).sort()).toEqual([...ids].sort());
      expect(ports.log.map((entry) => entry.version)).toEqual(ports.committed.map((_transaction, index) => 2 + index));
    });
  });

  it('PUT Group replaces the member list: adds the new ones, removes the missing ones', async () => {
    const request = scimRequest('replaceGroup', {
      pathParameters: { tenantId: 'acme', id: 'g1' },
      body: { schemas: [GROUP], displayName: 'All Users', members: [{ value: 'u2' }, { value: 'u3' }] },
    });

    const response = await replaceGroup(request, ports.deps());

    expect(response.status).toBe(200);
    expect(ports.membersOf('g1')).toEqual(['u2', 'u3']);
    expect(ports.events.map((event) => [event.detailType, event.members])).toEqual([
      ['Group Members Added', { added: ['u2', 'u3'], removed: [] }],
      ['Group Members Removed', { added: [], removed: ['u1'] }],
    ]);
  });

  it('POST Group with 150 members: Group Created lists the first chunk, Members Added the rest, every member checked', async () => {
    const ids = Array.from({ length: 150 }, (_unused, index) => `m${index}`);
    for (const id of ids) ports.seedUser(id, `${id}@contoso.example`);
    const request = scimRequest('createGroup', {
      body: { schemas: [GROUP], displayName: 'Big', members: ids.map((value) => ({ value })) },
    });

    const response = await createGroup(request, ports.deps());
    const id = String((response.body as { id: string }).id);

    expect(response.status).toBe(201);
    expect(ports.membersOf(id)).toEqual([...ids].sort());
    const [created, ...added] = ports.events.filter((event) => event.resourceId === id);
    expect(created?.detailType).toBe('Group Created');
    expect(added.every((event) => event.detailType === 'Group Members Added')).toBe(true);
    expect(
      [...(created?.members?.added ?? []), ...added.flatMap((event) => event.members?.added ?? [])].sort(),
    ).toEqual([...ids].sort());
    for (const transaction of ports.committed) expect(transaction.writes.length).toBeLessThanOrEqual(100);
    const checked = ports.committed.flatMap((transaction) =>
      transaction.writes.filter((write) => write.type === 'memberExists'),
    );
    expect(checked).toHaveLength(150);
  });

  describe(`member lists near MAX_MEMBER_VALUES (${MAX_MEMBER_VALUES}): a 400 before thousands of reads`, () => {
    const unknown = (count: number, prefix = 'nobody') =>
      Array.from({ length: count }, (_unused, index) => `${prefix}-${index}`);
    /** How many ids each existence read asked about. */
    const existenceReads = () => jest.spyOn(ports, 'existingMembers');
    const sizes = (spy: ReturnType<typeof existenceReads>) => spy.mock.calls.map(([, ids]) => ids.length);

    it('refuses a PATCH adding 10,000 unknown members after one existence read of 100, and reads no membership', async () => {
      const reads = existenceReads();
      const presence = jest.spyOn(ports, 'presentMembers');
      const ops = Array.from({ length: 1000 }, (_unused, op) => add(...unknown(10, `n${op}`)));

      const error = await patchGroup(patch('g1', ops), ports.deps()).catch((caught: unknown) => caught);

      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect((error as ScimError).detail).toContain('(the 9900 named after them were not checked)');
      expect(sizes(reads)).toEqual([100]);
      expect(presence).not.toHaveBeenCalled();
      expect(ports.committed).toEqual([]);
    });

    it.each([
      ['PUT', () => replaceGroup(putMembers('g1', unknown(MAX_MEMBER_VALUES)), ports.deps())],
      ['POST', () => createGroup(postMembers(unknown(MAX_MEMBER_VALUES)), ports.deps())],
    ])('refuses a %s of 10,000 unknown members after one existence read of 100', async (_method, send) => {
      const reads = existenceReads();

      await expect(send()).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });

      expect(sizes(reads)).toEqual([100]);
      expect(ports.committed).toEqual([]);
    });

    it('refuses an unknown id after 300 known ones having read 700 ids, not 10,000', async () => {
      const known = Array.from({ length: 300 }, (_unused, index) => `k${index}`);
      for (const id of known) ports.seedUser(id, `${id}@contoso.example`);
      const reads = existenceReads();

      await expect(
        replaceGroup(putMembers('g1', [...known, ...unknown(MAX_MEMBER_VALUES - 300)]), ports.deps()),
      ).rejects.toMatchObject({ status: 400 });

      expect(sizes(reads)).toEqual([100, 200, 400]);
    });

    it(`refuses a PATCH naming ${MAX_MEMBER_VALUES + 1} members to remove before reading anything`, async () => {
      const reads = jest.spyOn(ports, 'getGroupWithMembership');
      const groupReads = jest.spyOn(ports, 'getGroup');
      const ops = Array.from({ length: 1000 }, (_unused, op) => remove(...unknown(op === 0 ? 11 : 10, `r${op}`)));

      await expect(patchGroup(patch('g1', ops), ports.deps())).rejects.toMatchObject({
        status: 400,
        scimType: 'invalidValue',
      });

      expect(reads).not.toHaveBeenCalled();
      expect(groupReads).not.toHaveBeenCalled();
    });

    it('checks again after a member named in a large PATCH was deleted since its check: a 400 naming it after one failed commit', async () => {
      const ids = Array.from({ length: 150 }, (_unused, index) => `k${index}`);
      for (const id of ids) ports.seedUser(id, `${id}@contoso.example`);
      const reads = existenceReads();
      // k7 is deleted (marked) right after the first existence check, before the commit's own check.
      reads.mockImplementationOnce(async (tenantId, named) => {
        const found = await MemoryPorts.prototype.existingMembers.call(ports, tenantId, named);
        ports.users.set('k7', { ...(ports.users.get('k7') as StoredResource), deleting: true });
        return found;
      });
      const commits = jest.spyOn(ports, 'commit');

      const error = await patchGroup(patch('g1', [add(...ids)]), ports.deps()).catch((caught: unknown) => caught);

      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect((error as ScimError).detail).toContain('"k7"');
      expect(commits).toHaveBeenCalledTimes(1);
      expect(ports.membersOf('g1')).toEqual(['u1']);
    });

    it('adds 250 existing users in one PATCH, reading each id once for existence', async () => {
      const ids = Array.from({ length: 250 }, (_unused, index) => `k${index}`);
      for (const id of ids) ports.seedUser(id, `${id}@contoso.example`);
      const reads = existenceReads();

      await patchGroup(patch('g1', [add(...ids)]), ports.deps());

      expect(ports.membersOf('g1')).toEqual([...ids, 'u1'].sort());
      expect(sizes(reads)).toEqual([100, 150]);
    });
  });

  it('DELETE User without If-Match: marks, sweeps memberships, deletes with User Deleted, never 412', async () => {
    const response = await deleteUser(
      scimRequest('deleteUser', { pathParameters: { tenantId: 'acme', id: 'u1' } }),
      ports.deps(),
    );

    expect(response.status).toBe(204);
    expect(ports.users.has('u1')).toBe(false);
    expect(ports.userNames.has('u1@contoso.example')).toBe(false);
    expect(ports.membersOf('g1')).toEqual([]);
    expect(ports.events.map((event) => [event.detailType, event.version])).toEqual([['User Deleted', 2]]);
  });
});
