import { randomUUID } from 'node:crypto';
import badPatches from '../../fixtures/conformance/bad-patches.json';
import {
  ERROR_URN,
  GROUP_URN,
  createGroup,
  createUser,
  filterUrl,
  ids,
  newTenant,
  useTenant,
  patchBody,
  read,
  sorted,
  userBody,
  type ConformanceTenant,
} from '../../support/conformance';
import { scim, useTestService, type ScimCall } from '../../support/local-service';

/** RFC 7644 protocol behaviour every client relies on: versions, projections, paging, errors, discovery. */
describe('SCIM protocol (conformance)', () => {
  const service = useTestService();
  const tenant = useTenant(service, 'protocol');

  const userUrl = (id: string) => `${tenant.users}/${id}`;
  const groupUrl = (id: string) => `${tenant.groups}/${id}`;

  describe('RFC 7644 §3.14: ETag and meta.version', () => {
    type Step = (user: Record<string, any>, group: Record<string, any>) => Promise<ScimCall>;
    const steps: [string, Step][] = [
      ['POST /Users', () => scim(tenant.users, tenant.token, { method: 'POST', body: userBody() })],
      ['GET /Users/{id}', (user) => scim(userUrl(user.id), tenant.token)],
      [
        'PATCH /Users/{id}',
        (user) =>
          scim(userUrl(user.id), tenant.token, {
            method: 'PATCH',
            body: patchBody([{ op: 'replace', path: 'title', value: randomUUID() }]),
          }),
      ],
      [
        'PUT /Users/{id}',
        (user) =>
          scim(userUrl(user.id), tenant.token, {
            method: 'PUT',
            body: { ...userBody(), userName: user.userName, title: randomUUID() },
          }),
      ],
      [
        'POST /Groups',
        () =>
          scim(tenant.groups, tenant.token, {
            method: 'POST',
            body: { schemas: [GROUP_URN], displayName: `G ${randomUUID()}` },
          }),
      ],
      ['GET /Groups/{id}', (_user, group) => scim(groupUrl(group.id), tenant.token)],
      [
        'GET /Groups/{id}?excludedAttributes=members',
        (_user, group) => scim(`${groupUrl(group.id)}?excludedAttributes=members`, tenant.token),
      ],
      [
        'PUT /Groups/{id}',
        (_user, group) =>
          scim(groupUrl(group.id), tenant.token, {
            method: 'PUT',
            body: { schemas: [GROUP_URN], displayName: `G ${randomUUID()}` },
          }),
      ],
    ];

    it.each(steps)('%s answers an ETag header equal to meta.version', async (_name, step) => {
      const user = await createUser(tenant);
      const group = await createGroup(tenant);

      const response = await step(user, group);

      expect([200, 201]).toContain(response.status);
      expect(response.headers.get('etag')).toMatch(/^W\/"\d+"$/);
      expect((response.body?.meta as Record<string, unknown>).version).toBe(response.headers.get('etag'));
    });

    it('PATCH /Groups/{id} answers 204 with the ETag of the version a GET then reads', async () => {
      const group = await createGroup(tenant);

      const response = await scim(groupUrl(group.id), tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'displayName', value: `G ${randomUUID()}` }]),
      });
      const readBack = await read(tenant, groupUrl(group.id));

      expect(response.status).toBe(204);
      expect(response.headers.get('etag')).toBe(readBack.meta.version);
      expect(readBack.meta.version).not.toBe(group.meta.version);
    });
  });

  describe('RFC 7644 §3.14: If-Match and If-None-Match', () => {
    type Write = (id: string, tenantUrl: ConformanceTenant) => { url: string; method: string; body?: unknown };
    const writes: [string, 'user' | 'group', Write][] = [
      [
        'PATCH /Users/{id}',
        'user',
        (id) => ({
          url: userUrl(id),
          method: 'PATCH',
          body: patchBody([{ op: 'replace', path: 'title', value: 'Stale' }]),
        }),
      ],
      [
        'PUT /Users/{id}',
        'user',
        (id) => ({ url: userUrl(id), method: 'PUT', body: { ...userBody(), title: 'Stale' } }),
      ],
      ['DELETE /Users/{id}', 'user', (id) => ({ url: userUrl(id), method: 'DELETE' })],
      [
        'PATCH /Groups/{id}',
        'group',
        (id) => ({
          url: groupUrl(id),
          method: 'PATCH',
          body: patchBody([{ op: 'replace', path: 'displayName', value: `Stale ${randomUUID()}` }]),
        }),
      ],
      [
        'PUT /Groups/{id}',
        'group',
        (id) => ({
          url: groupUrl(id),
          method: 'PUT',
          body: { schemas: [GROUP_URN], displayName: `Stale ${randomUUID()}` },
        }),
      ],
      ['DELETE /Groups/{id}', 'group', (id) => ({ url: groupUrl(id), method: 'DELETE' })],
    ];

    /** A resource at version 2, so that W/"1" is stale. */
    const resourceAtVersion2 = async (kind: 'user' | 'group') => {
      const created = kind === 'user' ? await createUser(tenant) : await createGroup(tenant);
      const url = kind === 'user' ? userUrl(created.id) : groupUrl(created.id);
      const change =
        kind === 'user'
          ? [{ op: 'replace', path: 'title', value: 'Second' }]
          : [{ op: 'replace', path: 'displayName', value: `Second ${randomUUID()}` }];
      await scim(url, tenant.token, { method: 'PATCH', body: patchBody(change) });
      return { id: String(created.id), url, before: await read(tenant, url) };
    };

    it.each(writes)('%s with a stale If-Match is 412 and changes nothing', async (_name, kind, write) => {
      const { id, url, before } = await resourceAtVersion2(kind);
      const request = write(id, tenant);

      const response = await scim(request.url, tenant.token, {
        method: request.method,
        body: request.body,
        headers: { 'If-Match': 'W/"1"' },
      });
      const after = await read(tenant, url);

      expect(before.meta.version).toBe('W/"2"');
      expect(response.status).toBe(412);
      expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '412' });
      expect(after).toEqual(before);
    });

    it('PATCH /Users/{id} with the current If-Match is 200 and applies', async () => {
      const { id, url, before } = await resourceAtVersion2('user');

      const response = await scim(url, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'title', value: 'Third' }]),
        headers: { 'If-Match': before.meta.version },
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id, title: 'Third', meta: { version: 'W/"3"' } });
    });

    it.each([
      ['user', userUrl],
      ['group', groupUrl],
    ] as const)(
      'GET of a %s with If-None-Match naming the current version is 304 without a body; a stale one is 200',
      async (kind, urlOf) => {
        const { id, before } = await resourceAtVersion2(kind);

        const current = await scim(urlOf(id), tenant.token, { headers: { 'If-None-Match': before.meta.version } });
        const stale = await scim(urlOf(id), tenant.token, { headers: { 'If-None-Match': 'W/"1"' } });

        expect(current.status).toBe(304);
        expect(current.body).toBeUndefined();
        expect(current.headers.get('etag')).toBe(before.meta.version);
        expect(stale.status).toBe(200);
        expect(stale.body).toEqual(before);
      },
    );
  });

  describe('RFC 7644 §3.9: attributes', () => {
    it('attributes=userName returns only id, schemas, meta and userName, on GET and on a list', async () => {
      const user = await createUser(tenant, { title: 'Engineer', nickName: 'Nick' });

      const single = await scim(`${userUrl(user.id)}?attributes=userName`, tenant.token);
      const listed = await scim(
        filterUrl(tenant.users, `userName eq "${user.userName}"`, 'attributes=userName'),
        tenant.token,
      );

      expect(Object.keys(single.body ?? {}).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
      expect(single.body).toMatchObject({ id: user.id, userName: user.userName });
      expect(
        (listed.body?.Resources as Record<string, unknown>[]).map((resource) => Object.keys(resource).sort()),
      ).toEqual([['id', 'meta', 'schemas', 'userName']]);
    });

    describe("with a value filter (Microsoft's SCIM test collection; its reference server returns the matching values)", () => {
      const withEmails = async () => {
        const userName = `vf${randomUUID().slice(0, 8)}@contoso.example`;
        return createUser(tenant, { userName, emails: emails(userName) });
      };
      const emails = (userName: string) => [
        { type: 'work', value: userName, primary: true },
        { type: 'home', value: `home.${userName}` },
        { type: 'work', value: `second.${userName}` },
      ];

      it('attributes=emails[type eq "work"] returns each user\'s work emails only, on a list and on GET', async () => {
        const user = await withEmails();

        const listed = await scim(
          filterUrl(
            tenant.users,
            `userName eq "${user.userName}"`,
            `attributes=${encodeURIComponent('emails[type eq "work"]')}`,
          ),
          tenant.token,
        );
        const single = await scim(
          `${userUrl(user.id)}?attributes=${encodeURIComponent('emails[type eq "work"].value')}`,
          tenant.token,
        );

        expect(listed.status).toBe(200);
        expect(listed.body?.Resources).toEqual([
          {
            schemas: [expect.any(String)],
            id: user.id,
            meta: user.meta,
            emails: [emails(user.userName)[0], emails(user.userName)[2]],
          },
        ]);
        expect(single.body?.emails).toEqual([{ value: user.userName }, { value: `second.${user.userName}` }]);
      });

      it('attributes=emails[value eq "…"] returns that email only', async () => {
        const user = await withEmails();
        const wanted = `home.${String(user.userName)}`;

        const response = await scim(
          `${userUrl(user.id)}?attributes=${encodeURIComponent(`emails[value eq "${wanted}"]`)}`,
          tenant.token,
        );

        expect(response.status).toBe(200);
        expect(response.body?.emails).toEqual([{ type: 'home', value: wanted }]);
      });

      it('excludedAttributes=emails[type eq "work"] hides the work emails and keeps the rest', async () => {
        const user = await withEmails();

        const response = await scim(
          `${userUrl(user.id)}?excludedAttributes=${encodeURIComponent('emails[type eq "work"]')}`,
          tenant.token,
        );

        expect(response.status).toBe(200);
        expect(response.body?.emails).toEqual([{ type: 'home', value: `home.${String(user.userName)}` }]);
        expect(response.body?.userName).toBe(user.userName);
      });

      it('members[value eq "<id>"] on a group returns that member only', async () => {
        const [first, second] = [await createUser(tenant), await createUser(tenant)];
        const group = await createGroup(tenant, { members: [{ value: first?.id }, { value: second?.id }] });

        const response = await scim(
          `${groupUrl(group.id)}?attributes=${encodeURIComponent(`members[value eq "${String(second?.id)}"]`)}`,
          tenant.token,
        );

        expect(response.status).toBe(200);
        expect((response.body?.members as Record<string, unknown>[]).map((member) => member.value)).toEqual([
          second?.id,
        ]);
      });

      it.each(['emails[type eq "work"', 'emails[type eq]', 'emails[kind eq "work"]', 'userName[value eq "x"]'])(
        'answers %s with 400 invalidValue, on reads and before a write commits',
        async (bad) => {
          const body = userBody();

          const get = await scim(`${tenant.users}?attributes=${encodeURIComponent(bad)}`, tenant.token);
          const post = await scim(`${tenant.users}?attributes=${encodeURIComponent(bad)}`, tenant.token, {
            method: 'POST',
            body,
          });
          const excluded = await scim(`${tenant.users}?excludedAttributes=${encodeURIComponent(bad)}`, tenant.token);
          const after = await scim(filterUrl(tenant.users, `userName eq "${String(body.userName)}"`), tenant.token);

          for (const response of [get, post, excluded]) {
            expect(response.status).toBe(400);
            expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidValue' });
            expect(String(response.body?.detail)).toContain(bad);
          }
          expect(after.body?.totalResults).toBe(0);
        },
      );
    });
  });

  describe('paging and counting', () => {
    let small: ConformanceTenant;
    let all: string[];

    beforeAll(async () => {
      small = await newTenant(service, 'protocol-paging');
      all = [];
      for (let i = 0; i < 7; i += 1) all.push(String((await createUser(small)).id));
    });

    it('RFC 9865: cursor= then nextCursor walks every user once, and the last page has no nextCursor', async () => {
      const pages: ScimCall[] = [];
      let cursor: string | undefined = '';
      while (cursor !== undefined && pages.length < 10) {
        const response = await scim(`${small.users}?count=3&cursor=${encodeURIComponent(cursor)}`, small.token);
        pages.push(response);
        cursor = response.body?.nextCursor as string | undefined;
      }
      const seen = pages.flatMap(ids);

      expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
      expect(pages.map((page) => ids(page).length)).toEqual([3, 3, 1]);
      expect(pages.map((page) => page.body?.totalResults)).toEqual([7, 7, 7]);
      expect(new Set(seen).size).toBe(seen.length);
      expect(sorted(seen)).toEqual(sorted(all));
    });

    it('count=0 returns the total and no resources', async () => {
      const response = await scim(`${small.users}?count=0`, small.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    });

    it('a filter on an attribute without an index (title eq) is evaluated over a small tenant', async () => {
      const title = `Title ${randomUUID().slice(0, 8)}`;
      const titled = await createUser(small, { title });
      all.push(String(titled.id));

      const response = await scim(filterUrl(small.users, `title eq "${title}"`), small.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 1, Resources: [{ id: titled.id, title }] });
    });
  });

  describe('RFC 7644 §3.12: a bad PATCH gets a SCIM error and changes nothing', () => {
    it.each(badPatches)('$name → 400 $scimType', async ({ body, scimType }) => {
      const user = await createUser(tenant, { title: 'Unchanged' });

      const response = await scim(userUrl(user.id), tenant.token, { method: 'PATCH', body });
      const after = await read(tenant, userUrl(user.id));

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType });
      expect(String(response.body?.detail ?? '')).not.toBe('');
      expect(after).toEqual(user);
    });
  });

  describe('discovery', () => {
    it('/ServiceProviderConfig says PATCH is supported', async () => {
      const response = await scim(`${tenant.tenantUrl}/ServiceProviderConfig`, tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ patch: { supported: true } });
    });
  });
});
