import { randomUUID } from 'node:crypto';
import { createTenant } from '../../lambdas/operations/tenants/tenant-admin';
import { getWiring } from '../../lambdas/wiring';
import { changeEvents, eventually } from '../support/events-file';
import { scim, useTestService, type ScimCall } from '../support/local-service';
import { PATCH_OP } from '../../lambdas/scim/schema/urns';

describe('reconciliation reads: every user and group of a tenant, paged, to rebuild state and follow events', () => {
  const service = useTestService();
  let tenantId: string;
  let token: string;
  let tenantUrl: string;
  let profiles: string;
  const userIds: string[] = [];
  const groupIds: string[] = [];

  /** Walks a listing from the start; returns every page. */
  const walk = async (path: string, count: number): Promise<ScimCall[]> => {
    const pages: ScimCall[] = [];
    let cursor: string | undefined;
    do {
      const page = await scim(`${profiles}/${path}?count=${count}${cursor ? `&cursor=${cursor}` : ''}`, undefined);
      pages.push(page);
      cursor = page.body?.nextCursor as string | undefined;
    } while (cursor && pages.length < 20);
    return pages;
  };

  beforeAll(async () => {
    tenantId = `rec-${randomUUID().slice(0, 8)}`;
    token = (await createTenant(getWiring().deps, tenantId)).token;
    tenantUrl = `${service.baseUrl}/${tenantId}`;
    profiles = `${service.baseUrl.replace(/\/scim\/v2$/, '')}/profiles/v1/${tenantId}`;
    for (let i = 0; i < 5; i += 1) {
      const created = await scim(`${tenantUrl}/Users`, token, {
        method: 'POST',
        body: { userName: `rec${i}-${randomUUID()}@rec.example`, title: `Title ${i}` },
      });
      userIds.push(String(created.body?.id));
    }
    for (let i = 0; i < 3; i += 1) {
      const created = await scim(`${tenantUrl}/Groups`, token, {
        method: 'POST',
        body: { displayName: `Rec ${i}`, members: [{ value: userIds[i] }] },
      });
      groupIds.push(String(created.body?.id));
    }
  });

  it('pages every user once, in id order, with its version, effective profile and SCIM snapshot, and one asOf for the whole walk', async () => {
    const pages = await walk('users', 2);

    const listed = pages.flatMap((page) => page.body?.profiles as Record<string, any>[]);
    expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
    expect(pages.map((page) => (page.body?.profiles as unknown[]).length)).toEqual([2, 2, 1]);
    expect(new Set(pages.map((page) => page.body?.asOf)).size).toBe(1);
    expect(pages.at(-1)?.body?.nextCursor).toBeUndefined();
    expect(listed.map((entry) => entry.id)).toEqual([...userIds].sort());
    const one = listed.find((entry) => entry.id === userIds[1]);
    const scimUser = (await scim(`${tenantUrl}/Users/${userIds[1]}`, token)).body;
    const profile = (await scim(`${profiles}/users/${userIds[1]}`, undefined)).body;
    expect(one).toMatchObject({
      version: profile?.version,
      userName: scimUser?.userName,
      active: true,
      profile: profile?.profile,
    });
    expect(one?.snapshot).toMatchObject({
      id: userIds[1],
      userName: scimUser?.userName,
      title: 'Title 1',
      meta: { version: (scimUser?.meta as { version: string }).version },
    });
  });

  it('pages every group once with its version and snapshot without members', async () => {
    const pages = await walk('groups', 2);

    const listed = pages.flatMap((page) => page.body?.groups as Record<string, any>[]);
    expect(listed.map((entry) => entry.id)).toEqual([...groupIds].sort());
    const group = (await scim(`${tenantUrl}/Groups/${groupIds[0]}?excludedAttributes=members`, token)).body;
    expect(listed.find((entry) => entry.id === groupIds[0])).toMatchObject({
      displayName: 'Rec 0',
      version: Number(/\d+/.exec((group?.meta as { version: string }).version)?.[0]),
    });
    expect(listed.every((entry) => entry.snapshot.members === undefined)).toBe(true);
  });

  it('rebuilds the current state without gaps: snapshot, then the events from asOf that are newer than the snapshot', async () => {
    // A walk with changes landing while it runs (docs/events.md "Rebuilding state").
    const first = await scim(`${profiles}/users?count=2`, undefined);
    const asOf = String(first.body?.asOf);
    const late = await scim(`${tenantUrl}/Users`, token, {
      method: 'POST',
      body: { userName: `late-${randomUUID()}@rec.example` },
    });
    const early = [...userIds].sort()[0] as string;
    await scim(`${tenantUrl}/Users/${early}`, token, {
      method: 'PATCH',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Changed while paging' }] },
    });
    const rest = [first];
    for (
      let cursor = first.body?.nextCursor as string | undefined;
      cursor;
      cursor = rest.at(-1)?.body?.nextCursor as string | undefined
    ) {
      rest.push(await scim(`${profiles}/users?count=2&cursor=${cursor}`, undefined));
    }
    const state = new Map<string, { version: number; title?: unknown }>();
    for (const entry of rest.flatMap((page) => page.body?.profiles as Record<string, any>[]))
      state.set(entry.id, { version: entry.version, title: entry.snapshot.title });

    const lateId = String(late.body?.id);
    const events = await eventually(
      () =>
        changeEvents(
          service.eventsFile,
          (event) => event.tenantId === tenantId && event.resourceType === 'User' && event.occurredAt >= asOf,
        ),
      (list) =>
        list.some((event) => event.resourceId === lateId) &&
        list.some((event) => event.resourceId === early && event.snapshot?.title === 'Changed while paging'),
      20_000,
    );
    for (const event of events) {
      const held = state.get(event.resourceId);
      if (held && event.version <= held.version) continue;
      if (event.detailType === 'User Deleted') state.delete(event.resourceId);
      else state.set(event.resourceId, { version: event.version, title: event.snapshot?.title });
    }

    const now = await walk('users', 200);
    const current = new Map(
      (now[0]?.body?.profiles as Record<string, any>[]).map((entry) => [
        entry.id,
        { version: entry.version, title: entry.snapshot.title },
      ]),
    );
    expect(state).toEqual(current);
    expect(state.get(early)?.title).toBe('Changed while paging');
    expect(state.has(lateId)).toBe(true);
  });

  it.each([
    ['a cursor this service did not issue', 'cursor=not-a-cursor', 'invalidCursor'],
    [
      'a cursor of another shape',
      `cursor=${Buffer.from(JSON.stringify({ offset: 3 })).toString('base64url')}`,
      'invalidCursor',
    ],
    ['startIndex beside a cursor', 'cursor=abc&startIndex=2', 'invalidValue'],
  ])('answers %s with a 400', async (_name, query, scimType) => {
    const response = await scim(`${profiles}/users?${query}`, undefined);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: '400', scimType });
  });

  it('answers an unknown tenant with 404', async () => {
    const response = await scim(
      `${service.baseUrl.replace(/\/scim\/v2$/, '')}/profiles/v1/no-such-${randomUUID().slice(0, 8)}/groups`,
      undefined,
    );

    expect(response.status).toBe(404);
  });
});
