import {
  createGroup,
  createUser,
  newTenant,
  patchBody,
  storedGroupIds,
  userBody,
  type ConformanceTenant,
} from '../support/conformance';
import { readEvents, waitForEvents, type Published } from '../support/events-file';
import { scim, startTestService, type TestService } from '../support/local-service';
import { runAdmin } from '../support/admin-cli';

interface HeldList {
  readonly held: readonly { readonly resourceId: string; readonly operation: string; readonly at: string }[];
}

/**
 * The accidental-deletion guard (issue: production scale and safety, item 2): removals past the
 * tenant's limit answer as usual, show as removed, and publish nothing until an admin releases them
 * (their events, in order) or rejects them (the users come back, with no events).
 */
describe('removal guard over the local service', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });

  afterAll(async () => {
    await service.stop();
  });

  const admin = (...args: string[]) => runAdmin(service, args);

  const ofTenant = (tenant: ConformanceTenant, type?: string) => (events: Published[]) =>
    events.filter(
      (event) => event.detail.tenantId === tenant.tenantId && (type === undefined || event.DetailType === type),
    );

  /**
   * Every event of the tenant once the publisher has caught up: a marker user created last is
   * published after everything committed before it (one outbox partition per tenant, read in order).
   */
  async function settledEvents(tenant: ConformanceTenant): Promise<Published[]> {
    const marker = String((await createUser(tenant)).id);
    const events = await waitForEvents(
      service.eventsFile,
      (all) => all.some((event) => event.detail.resourceId === marker),
      30_000,
    );
    return ofTenant(tenant)(events).filter((event) => event.detail.resourceId !== marker);
  }

  async function tenantWithUsers(
    prefix: string,
    count: number,
  ): Promise<{ tenant: ConformanceTenant; users: Record<string, any>[] }> {
    const tenant = await newTenant(service, prefix);
    const users: Record<string, any>[] = [];
    for (let index = 0; index < count; index += 1) users.push(await createUser(tenant));
    return { tenant, users };
  }

  const heldOf = async (tenant: ConformanceTenant): Promise<HeldList> =>
    JSON.parse((await admin('guard', 'held', tenant.tenantId, '--json')).out) as HeldList;

  it('guard at 10 removals per hour: 25 concurrent deletes all answer 204, 10 publish, one Removals Held, 15 held; release publishes the 15', async () => {
    const { tenant, users } = await tenantWithUsers('grd', 25);
    expect((await admin('guard', 'set', tenant.tenantId, '--max-removals', '10', '--window', '1h')).code).toBe(0);

    const deletes = await Promise.all(
      users.map((user) => scim(`${tenant.users}/${user.id}`, tenant.token, { method: 'DELETE' })),
    );

    expect(deletes.map((call) => call.status)).toEqual(Array<number>(25).fill(204));
    for (const user of users) expect((await scim(`${tenant.users}/${user.id}`, tenant.token)).status).toBe(404);
    const before = await settledEvents(tenant);
    const deleted = ofTenant(tenant, 'User Deleted')(before);
    const holds = ofTenant(tenant, 'Removals Held')(before);
    expect(deleted).toHaveLength(10);
    expect(holds).toHaveLength(1);
    expect(holds[0]?.detail).toMatchObject({
      resourceType: 'Tenant',
      resourceId: tenant.tenantId,
      version: 1,
      snapshot: { limit: 10, window: '1h' },
    });
    const held = await heldOf(tenant);
    expect(held.held).toHaveLength(15);
    expect(held.held.every((change) => change.operation === 'delete' && typeof change.at === 'string')).toBe(true);
    const heldIds = held.held.map((change) => change.resourceId);
    expect(new Set([...heldIds, ...deleted.map((event) => event.detail.resourceId)])).toEqual(
      new Set(users.map((user) => String(user.id))),
    );
    const shown = JSON.parse((await admin('guard', 'show', tenant.tenantId, '--json')).out) as Record<string, unknown>;
    expect(shown).toMatchObject({ enabled: true, maxRemovals: 10, window: '1h', holding: true, heldCount: 15 });

    const release = await admin('guard', 'release', tenant.tenantId, '--json');

    expect(release.code).toBe(0);
    expect(JSON.parse(release.out)).toEqual({ released: 15 });
    const after = await settledEvents(tenant);
    expect(
      ofTenant(
        tenant,
        'User Deleted',
      )(after)
        .map((event) => event.detail.resourceId)
        .sort(),
    ).toEqual(users.map((user) => String(user.id)).sort());
    expect((await heldOf(tenant)).held).toEqual([]);
    expect(JSON.parse((await admin('guard', 'show', tenant.tenantId, '--json')).out)).toMatchObject({
      holding: false,
      heldCount: 0,
      removalsInWindow: 0,
    });
    const again = await admin('guard', 'release', tenant.tenantId);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/Nothing is held/);
  });

  it('guard reject restores the 15 held users (GET returns them, with their groups) and publishes no delete for them', async () => {
    const { tenant, users } = await tenantWithUsers('rej', 25);
    const group = await createGroup(tenant);
    const members = users.map((user) => ({ value: user.id }));
    expect(
      (
        await scim(`${tenant.groups}/${group.id}`, tenant.token, {
          method: 'PATCH',
          body: patchBody([{ op: 'Add', path: 'members', value: members }]),
        })
      ).status,
    ).toBe(204);
    expect((await admin('guard', 'set', tenant.tenantId, '--max-removals', '10')).code).toBe(0);
    for (const user of users)
      expect((await scim(`${tenant.users}/${user.id}`, tenant.token, { method: 'DELETE' })).status).toBe(204);
    const heldIds = (await heldOf(tenant)).held.map((change) => change.resourceId);
    expect(heldIds).toHaveLength(15);

    const reject = await admin('guard', 'reject', tenant.tenantId, '--json');

    expect(reject.code).toBe(0);
    expect(JSON.parse(reject.out)).toEqual({ restored: 15, kept: [] });
    for (const user of users) {
      const read = await scim(`${tenant.users}/${user.id}`, tenant.token);
      expect(read.status).toBe(heldIds.includes(String(user.id)) ? 200 : 404);
      if (read.status === 200) expect(read.body?.userName).toBe(user.userName);
    }
    for (const id of heldIds) expect(await storedGroupIds(tenant, id)).toEqual([String(group.id)]);
    const byName = await scim(
      `${tenant.users}?filter=${encodeURIComponent(`userName eq "${users.find((user) => heldIds.includes(String(user.id)))?.userName}"`)}`,
      tenant.token,
    );
    expect(byName.body?.totalResults).toBe(1);
    const events = await settledEvents(tenant);
    expect(
      ofTenant(
        tenant,
        'User Deleted',
      )(events)
        .map((event) => event.detail.resourceId)
        .filter((id) => heldIds.includes(id)),
    ).toEqual([]);
    expect(ofTenant(tenant, 'User Deleted')(events)).toHaveLength(10);
    expect((await heldOf(tenant)).held).toEqual([]);
    // A restored user is a user again: deleting it now is a normal, counted removal.
    expect((await scim(`${tenant.users}/${heldIds[0]}`, tenant.token, { method: 'DELETE' })).status).toBe(204);
  });

  it('holds deactivations past the limit, then every later change of a held user; release publishes them in order', async () => {
    const { tenant, users } = await tenantWithUsers('dea', 5);
    expect((await admin('guard', 'set', tenant.tenantId, '--max-removals', '3')).code).toBe(0);
    const deactivate = (id: string) =>
      scim(`${tenant.users}/${id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'Replace', path: 'active', value: false }]),
      });

    for (const user of users) expect((await deactivate(String(user.id))).status).toBe(200);
    const last = String(users[4]?.id);
    const read = await scim(`${tenant.users}/${last}`, tenant.token);
    expect(read.body?.active).toBe(false);
    const rename = await scim(`${tenant.users}/${last}`, tenant.token, {
      method: 'PATCH',
      body: patchBody([{ op: 'Replace', path: 'displayName', value: 'Renamed while held' }]),
    });
    expect(rename.status).toBe(200);
    const held = await settledEvents(tenant);
    expect(ofTenant(tenant, 'User Deactivated')(held)).toHaveLength(3);
    expect(held.filter((event) => event.detail.resourceId === last)).toHaveLength(1); // its User Created only
    expect((await heldOf(tenant)).held.map((change) => change.operation)).toEqual([
      'deactivate',
      'deactivate',
      'update',
    ]);

    expect((await admin('guard', 'release', tenant.tenantId)).code).toBe(0);

    const released = (await settledEvents(tenant))
      .filter((event) => event.detail.resourceId === last)
      .map((event) => event.DetailType);
    expect(released).toEqual(['User Created', 'User Deactivated', 'User Updated']);
    // The hold is over: a change of the once-held user publishes at once.
    expect(
      (
        await scim(`${tenant.users}/${last}`, tenant.token, {
          method: 'PATCH',
          body: patchBody([{ op: 'Replace', path: 'title', value: 'After' }]),
        })
      ).status,
    ).toBe(200);
    const after = await settledEvents(tenant);
    expect(after.filter((event) => event.detail.resourceId === last).map((event) => event.DetailType)).toEqual([
      'User Created',
      'User Deactivated',
      'User Updated',
      'User Updated',
    ]);
  });

  it('refuses bad settings with a clear message and changes nothing; two releases at once publish each held change once', async () => {
    const { tenant, users } = await tenantWithUsers('bad', 6);
    for (const args of [
      ['--max-removals', '0'],
      ['--max-removals=-3'],
      ['--max-removals', 'ten'],
      ['--percent', '0'],
      ['--percent', '150'],
      ['--window', 'soon'],
      ['--window', '0m'],
      ['--on', '--off'],
      [],
    ]) {
      const result = await admin('guard', 'set', tenant.tenantId, ...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.err).toMatch(/^Error: /);
    }
    expect(JSON.parse((await admin('guard', 'show', tenant.tenantId, '--json')).out)).toMatchObject({
      enabled: true,
      maxRemovals: 500,
      percent: null,
      window: '1h',
    });
    expect((await admin('guard', 'show', 'no-such-tenant')).code).toBe(1);
    expect((await admin('guard', 'set', tenant.tenantId, '--max-removals', '2')).code).toBe(0);
    for (const user of users)
      expect((await scim(`${tenant.users}/${user.id}`, tenant.token, { method: 'DELETE' })).status).toBe(204);
    expect((await heldOf(tenant)).held).toHaveLength(4);

    const [first, second] = await Promise.all([
      admin('guard', 'release', tenant.tenantId, '--json'),
      admin('guard', 'release', tenant.tenantId, '--json'),
    ]);

    const codes = [first.code, second.code].sort();
    const released = [first, second]
      .filter((result) => result.code === 0)
      .reduce((sum, result) => sum + (JSON.parse(result.out) as { released: number }).released, 0);
    expect(released).toBe(4);
    expect(codes[0]).toBe(0);
    const events = await settledEvents(tenant);
    const deleted = ofTenant(tenant, 'User Deleted')(events).map((event) => event.detail.eventId);
    expect(deleted).toHaveLength(6);
    expect(new Set(deleted).size).toBe(6);
    expect(
      readEvents(service.eventsFile).filter(
        (event) => event.detail.tenantId === tenant.tenantId && event.DetailType === 'Removals Held',
      ),
    ).toHaveLength(1);
  });

  it('takes back the count of a deactivation that was refused (a userName too long to store, a userName taken): no limit used up, no hold', async () => {
    const { tenant, users } = await tenantWithUsers('unc', 3);
    const [first, second, third] = users as [Record<string, any>, Record<string, any>, Record<string, any>];
    expect((await admin('guard', 'set', tenant.tenantId, '--max-removals', '1', '--window', '1h')).code).toBe(0);
    const deactivate = (user: Record<string, any>, userName: string) =>
      scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PUT',
        body: userBody({ userName, externalId: user.externalId, active: false }),
      });

    const tooLong = await deactivate(first, `${'a'.repeat(2_000)}@contoso.example`);
    const taken = await deactivate(first, String(second.userName));
    const shown = JSON.parse((await admin('guard', 'show', tenant.tenantId, '--json')).out) as Record<string, unknown>;
    const allowed = await scim(`${tenant.users}/${third.id}`, tenant.token, { method: 'DELETE' });

    expect(tooLong.status).toBe(400);
    expect(taken.status).toBe(409);
    expect(shown).toMatchObject({ removalsInWindow: 0, holding: false });
    expect(allowed.status).toBe(204);
    const events = await settledEvents(tenant);
    expect(ofTenant(tenant, 'User Deleted')(events).map((event) => event.detail.resourceId)).toEqual([third.id]);
    expect(ofTenant(tenant, 'Removals Held')(events)).toEqual([]);
  });

  it('--off lets every removal through', async () => {
    const { tenant, users } = await tenantWithUsers('off', 4);
    expect((await admin('guard', 'set', tenant.tenantId, '--max-removals', '1', '--off')).code).toBe(0);
    for (const user of users)
      expect((await scim(`${tenant.users}/${user.id}`, tenant.token, { method: 'DELETE' })).status).toBe(204);
    expect((await heldOf(tenant)).held).toEqual([]);
    expect(ofTenant(tenant, 'User Deleted')(await settledEvents(tenant))).toHaveLength(4);
    const shown = await admin('guard', 'show', tenant.tenantId);
    expect(shown.out).toMatch(/Guard: {6}off, 1 removals per 1h/);
  });
});
