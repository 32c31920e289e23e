import { deleteUser } from '../../../lambdas/operations/scim/users/delete-user';
import { rejectHeld, releaseHeld, setGuard, showGuard } from '../../../lambdas/operations/removal-guard/guard-admin';
import { patchUser } from '../../../lambdas/operations/scim/users/patch-user';
import { MemoryPorts, scimRequest } from '../../support/memory-ports';
import { CommitFailure } from '../../../lambdas/operations/writes/write-plan';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('removal guard over in-memory ports', () => {
  let ports: MemoryPorts;

  beforeEach(() => {
    ports = new MemoryPorts();
  });

  const remove = (id: string, at?: string) =>
    deleteUser(scimRequest('deleteUser', { pathParameters: { tenantId: 'acme', id } }), ports.deps(at));
  const patch = (id: string, operations: unknown[], at?: string) =>
    patchUser(
      scimRequest('patchUser', {
        pathParameters: { tenantId: 'acme', id },
        body: { schemas: [PATCH], Operations: operations },
      }),
      ports.deps(at),
    );
  const adminDeps = () => ({
    ...ports.deps(),
    tenants: { getTenant: async () => ({ tenantId: 'acme', status: 'connected' }) } as never,
  });
  const seed = (count: number) =>
    Array.from({ length: count }, (_unused, index) => ports.seedUser(`u${index}`, `user${index}@contoso.example`).id);
  const published = (type: string) => ports.events.filter((event) => event.detailType === type);

  it('holds nothing up to the default of 500 removals an hour, then holds the 501st with one Removals Held', async () => {
    const ids = seed(502);

    for (const id of ids) await remove(id);

    expect(published('User Deleted')).toHaveLength(500);
    expect(published('Removals Held')).toHaveLength(1);
    expect([...ports.held.values()].map((held) => held.event.resourceId)).toEqual(['u500', 'u501']);
    expect(ports.users.size).toBe(0);
  });

  it('counts deletes and deactivations together; an unrelated change of a user costs no guard read', async () => {
    ports.guard.settings = { enabled: true, maxRemovals: 2, windowSeconds: 3600 };
    const [a, b, c, d] = seed(4) as [string, string, string, string];

    await patch(a, [{ op: 'replace', path: 'title', value: 'Lead' }]);
    await patch(a, [{ op: 'replace', path: 'active', value: false }]);
    await remove(b);
    await patch(c, [{ op: 'replace', path: 'active', value: false }]);
    await patch(d, [{ op: 'replace', path: 'title', value: 'Chief' }]);

    expect(published('User Deactivated').map((event) => event.resourceId)).toEqual([a]);
    expect(published('User Deleted').map((event) => event.resourceId)).toEqual([b]);
    expect([...ports.held.values()].map((held) => [held.event.resourceId, held.operation])).toEqual([
      [c, 'deactivate'],
    ]);
    expect(published('User Updated').map((event) => event.resourceId)).toEqual([a, d]);
    expect(ports.users.get(c)?.heldBy).toBe(ports.guard.hold?.id);
  });

  it('takes back the count of a removal that did not commit: a refused deactivation, a delete whose commit lost, a retried race', async () => {
    ports.guard.settings = { enabled: true, maxRemovals: 2, windowSeconds: 3600 };
    const [a, b, c] = seed(3) as [string, string, string];
    ports.seedUser('taken', 'taken@contoso.example');

    // A deactivation that also renames onto a taken userName: 409, nothing written.
    const refused = await patch(a, [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'userName', value: 'taken@contoso.example' },
    ]).catch((caught: unknown) => caught);
    // A delete whose commit fails for certain (the table throttled it).
    ports.failNext(new CommitFailure('throttled', 'injected'));
    const throttled = await remove(b).catch((caught: unknown) => caught);
    // A deactivation that loses one version race, then commits on its retry.
    ports.failNext(new CommitFailure('versionConflict', 'injected'));
    await patch(c, [{ op: 'replace', path: 'active', value: false }]);

    expect(refused).toMatchObject({ status: 409 });
    expect(throttled).toMatchObject({ status: 429 });
    expect(ports.guard.window?.current).toBe(1);
    expect(published('User Deactivated').map((event) => event.resourceId)).toEqual([c]);
    await remove(b);
    await remove(a);
    expect(published('User Deleted').map((event) => event.resourceId)).toEqual([b]);
    expect([...ports.held.values()].map((held) => held.event.resourceId)).toEqual([a]);
  });

  it('keeps the count of a removal whose commit outcome is unknown (the table unreachable mid-commit): the guard errs towards holding', async () => {
    ports.guard.settings = { enabled: true, maxRemovals: 2, windowSeconds: 3600 };
    const [a] = seed(1) as [string];
    ports.failNext(new CommitFailure('unavailable', 'injected'));

    await expect(remove(a)).rejects.toMatchObject({ status: 503 });

    expect(ports.guard.window?.current).toBe(1);
  });

  it('starts counting again in a new window: the previous one fades out of the sliding window', async () => {
    ports.guard.settings = { enabled: true, maxRemovals: 3, windowSeconds: 3600 };
    const ids = seed(7);

    for (const id of ids.slice(0, 3)) await remove(id, '2026-12-01T10:10:00.000Z');
    // 11:50: the 10:00 window is five sixths out of the last hour (3 × 1/6 = 0.5 still counted).
    for (const id of ids.slice(3, 6)) await remove(id, '2026-12-01T11:50:00.000Z');
    await remove(ids[6] as string, '2026-12-01T11:51:00.000Z');

    expect(published('User Deleted')).toHaveLength(5);
    expect(ports.held.size).toBe(2);
  });

  it('shows the removals the guard counts: a new window length starts counting afresh, as countRemoval does', async () => {
    const [first, second, third, fourth] = seed(4) as [string, string, string, string];
    for (const id of [first, second, third]) await remove(id);
    const deps = adminDeps();

    expect(await showGuard(deps, 'acme')).toMatchObject({
      removalsInWindow: 3,
      limit: 500,
      holding: false,
      heldCount: 0,
    });
    expect(await setGuard(deps, 'acme', { windowSeconds: 7200 })).toMatchObject({ window: '2h', removalsInWindow: 0 });
    await remove(fourth);
    expect(await showGuard(deps, 'acme')).toMatchObject({ removalsInWindow: 1 });
  });

  it('release publishes held changes in order and lifts the hold; reject restores the user with its groups and publishes nothing', async () => {
    ports.guard.settings = { enabled: true, maxRemovals: 1, windowSeconds: 3600 };
    const [a, b, c] = seed(3) as [string, string, string];
    ports.seedGroup('g1', 'Sales', [b, c]);
    await remove(a);
    await remove(b, '2026-12-01T10:00:01.000Z');
    const deps = adminDeps();

    await expect(rejectHeld(deps, 'acme')).resolves.toEqual({ restored: 1, kept: [] });

    expect(ports.users.get(b)).toMatchObject({ data: { userName: 'user1@contoso.example' }, version: 3 });
    expect(ports.users.get(b)?.heldBy).toBeUndefined();
    expect(ports.userNames.get('user1@contoso.example')).toBe(b);
    expect(ports.memberships.get('g1')?.get(b)?.present).toBe(true);
    expect(ports.counts.User).toBe(2);
    expect(published('User Deleted').map((event) => event.resourceId)).toEqual([a]);
    expect(ports.guard.hold).toBeUndefined();

    await remove(c, '2026-12-01T10:00:02.000Z');
    expect(ports.held.size).toBe(0);
    expect(published('User Deleted').map((event) => event.resourceId)).toEqual([a, c]);
    await expect(releaseHeld(deps, 'acme')).rejects.toThrow(/Nothing is held/);
  });

  it('reject keeps a deleted user held when its userName now belongs to a new user', async () => {
    ports.guard.settings = { enabled: true, maxRemovals: 1, windowSeconds: 3600 };
    const [a, b] = seed(2) as [string, string];
    await remove(a);
    await remove(b);
    ports.seedUser('new', 'user1@contoso.example');

    const result = await rejectHeld(adminDeps(), 'acme');

    expect(result).toEqual({
      restored: 0,
      kept: [{ resourceId: b, reason: 'its userName now belongs to another user' }],
    });
    expect(ports.held.size).toBe(1);
    expect(ports.users.has(b)).toBe(false);
  });
});
