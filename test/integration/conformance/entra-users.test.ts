import { randomUUID } from 'node:crypto';
import dialects from '../../fixtures/conformance/entra-user-dialects.json';
import entraCreateUser from '../../fixtures/entra/create-user.json';
import {
  ENTERPRISE_URN,
  ERROR_URN,
  LIST_URN,
  USER_URN,
  createUser,
  filterUrl,
  useTenant,
  patchBody,
  read,
} from '../../support/conformance';
import { scim, useTestService } from '../../support/local-service';

/**
 * Replays Entra's user provisioning sequences (shared/entra/README.md §1, §2) over HTTP and checks
 * both the responses and what a later GET reads back.
 */
describe('Entra ID user provisioning (conformance)', () => {
  const service = useTestService();
  const tenant = useTenant(service, 'entra-users');

  /** Entra's create body (§2.2) with a unique userName, the quirks of §4 (2, 12) and a client-sent meta. */
  const entraUser = () => {
    const local = `alice.${randomUUID().slice(0, 8)}`;
    return {
      ...entraCreateUser,
      userName: `${local}@contoso.example`,
      externalId: local,
      emails: [{ primary: true, type: 'work', value: `${local}@contoso.example` }],
      active: 'True',
      roles: [],
      nickName: null,
      manager: null,
      meta: { resourceType: 'User', created: '2001-01-01T00:00:00Z', version: 'W/"99"' },
    };
  };

  describe('Test Connection', () => {
    it('§1.1: a userName probe with a random GUID answers 200 with an empty ListResponse and Resources: []', async () => {
      const probe = filterUrl(tenant.users, `userName eq "${randomUUID()}"`);

      const response = await scim(probe, tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ schemas: [LIST_URN], totalResults: 0, Resources: [] });
    });
  });

  describe.each(dialects)('the user lifecycle in the $name', (dialect) => {
    const query = dialect.tenantUrlQuery;
    const withQuery = (url: string) => (query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url);
    const userUrl = (id: string) => withQuery(`${tenant.users}/${id}`);
    const patch = (id: string, operations: unknown[]) =>
      scim(userUrl(id), tenant.token, { method: 'PATCH', body: patchBody(operations) });

    let body: ReturnType<typeof entraUser>;
    let id: string;
    let manager: Record<string, any>;

    beforeAll(async () => {
      body = entraUser();
      manager = await createUser(tenant);
    });

    it('§2.1 match: the userName filter finds nothing before the create', async () => {
      const response = await scim(withQuery(filterUrl(tenant.users, `userName eq "${body.userName}"`)), tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('§2.2 create: 201 with the id; quirks 2 and 12: "True" is true, nulls are absent, roles: [] and the client\'s meta are ignored', async () => {
      const response = await scim(withQuery(tenant.users), tenant.token, { method: 'POST', body });
      id = String(response.body?.id);

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        schemas: [USER_URN, ENTERPRISE_URN],
        userName: body.userName,
        externalId: body.externalId,
        active: true,
        [ENTERPRISE_URN]: { employeeNumber: '701984', department: 'Design' },
        meta: { resourceType: 'User', version: 'W/"1"' },
      });
      expect(response.body?.meta).not.toMatchObject({ created: '2001-01-01T00:00:00Z' });
      expect(response.body).not.toHaveProperty('nickName');
      expect(response.body).not.toHaveProperty('manager');
      expect(response.body).not.toHaveProperty('roles');
    });

    it('§2.3 read: GET by id returns what the create returned', async () => {
      const response = await scim(userUrl(id), tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id,
        userName: body.userName,
        active: true,
        phoneNumbers: body.phoneNumbers,
        addresses: body.addresses,
      });
    });

    it("§2.4 update: the dialect's PATCH changes exactly the attributes it names", async () => {
      const before = await read(tenant, userUrl(id));

      const response = await patch(id, dialect.update);
      const after = await read(tenant, userUrl(id));

      expect([200, 204]).toContain(response.status);
      expect(after).toMatchObject(dialect.afterUpdate);
      expect(after.userName).toBe(before.userName);
      expect(after.title).toBe(before.title);
      expect(after.phoneNumbers).toEqual(before.phoneNumbers);
      expect(after.meta.version).not.toBe(before.meta.version);
    });

    it('quirk 6: the updated work email is what emails[type eq "work"].value matches now', async () => {
      const newEmail = dialect.afterUpdate.emails[0]?.value as string;

      const byNew = await scim(filterUrl(tenant.users, `emails[type eq "work"].value eq "${newEmail}"`), tenant.token);
      const byOld = await scim(
        filterUrl(tenant.users, `emails[type eq "work"].value eq "${body.emails[0]?.value}"`),
        tenant.token,
      );

      expect(byNew.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });
      expect(byOld.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('quirk 5 (§2.5): the manager linked with a bare id string is returned as {value}', async () => {
      const link = { ...dialect.linkManager, value: manager.id };

      const response = await patch(id, [link]);
      const after = await read(tenant, userUrl(id));

      expect([200, 204]).toContain(response.status);
      expect(after[ENTERPRISE_URN].manager).toMatchObject({ value: manager.id });
      expect(after[ENTERPRISE_URN]).toMatchObject({ employeeNumber: '42', department: 'Design' });
    });

    it.each(dialect.unlinkManager)(
      '§2.5: the manager is removed by $how, and the rest of the extension stays',
      async ({ op }) => {
        await patch(id, [{ ...dialect.linkManager, value: manager.id }]);

        const response = await patch(id, [op]);
        const after = await read(tenant, userUrl(id));

        expect([200, 204]).toContain(response.status);
        expect(after[ENTERPRISE_URN]).not.toHaveProperty('manager');
        expect(after[ENTERPRISE_URN]).toMatchObject({ employeeNumber: '42', department: 'Design' });
      },
    );

    it('quirk 2 (§2.6): disabling sets active false; the user is still returned by GET and by filter', async () => {
      const response = await patch(id, [dialect.disable]);
      const byId = await scim(userUrl(id), tenant.token);
      const byFilter = await scim(filterUrl(tenant.users, `userName eq "${body.userName}"`), tenant.token);

      expect([200, 204]).toContain(response.status);
      expect(byId.status).toBe(200);
      expect(byId.body?.active).toBe(false);
      expect(byFilter.body).toMatchObject({ totalResults: 1, Resources: [{ id, active: false }] });
    });

    it('§2.6: re-enabling sets active true again', async () => {
      const response = await patch(id, [dialect.enable]);
      const after = await read(tenant, userUrl(id));

      expect([200, 204]).toContain(response.status);
      expect(after.active).toBe(true);
    });

    it('§2.7 delete: 204, then GET is 404 with a SCIM error and a second DELETE is 404', async () => {
      const deleted = await scim(userUrl(id), tenant.token, { method: 'DELETE' });
      const readBack = await scim(userUrl(id), tenant.token);
      const again = await scim(userUrl(id), tenant.token, { method: 'DELETE' });

      expect(deleted.status).toBe(204);
      expect(readBack.status).toBe(404);
      expect(readBack.body).toMatchObject({ schemas: [ERROR_URN], status: '404' });
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ schemas: [ERROR_URN], status: '404' });
    });
  });

  describe('§2.1 matching attributes', () => {
    let user: Record<string, any>;

    beforeAll(async () => {
      user = await createUser(tenant, { userName: `Match.${randomUUID().slice(0, 8)}@Contoso.example` });
    });

    it.each([
      ['externalId, quoted', () => `externalId eq "${user.externalId}"`],
      ["externalId, unquoted as in older docs and Microsoft's Postman suite", () => `externalId eq ${user.externalId}`],
      ['the work email value path (quirk 6)', () => `emails[type eq "work"].value eq "${user.emails[0].value}"`],
      ['userName in another letter case (quirk 9)', () => `userName eq "${String(user.userName).toLowerCase()}"`],
    ])('matches by %s', async (_name, filter) => {
      const response = await scim(filterUrl(tenant.users, filter()), tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
    });

    it('quirk 10: a filter with + for spaces matches like one with %20', async () => {
      const url = `${tenant.users}?filter=userName+eq+%22${encodeURIComponent(user.userName)}%22`;

      const response = await scim(url, tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
    });

    it('quirk 10: a + inside a quoted value stays a + (plus-addressed emails)', async () => {
      const plus = await createUser(tenant, { userName: `a+b.${randomUUID().slice(0, 8)}@contoso.example` });
      const url = `${tenant.users}?filter=userName+eq+%22${encodeURIComponent(plus.userName)}%22`;

      const response = await scim(url, tenant.token);

      expect(response.body).toMatchObject({ totalResults: 1, Resources: [{ id: plus.id }] });
    });

    it('§0: the aadOptscim062020 flag riding on the Tenant URL does not fail a match', async () => {
      const url = filterUrl(tenant.users, `userName eq "${user.userName}"`, 'aadOptscim062020');

      const response = await scim(url, tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
    });

    it('quirk 9: a duplicate userName in another letter case is 409 uniqueness and creates nothing', async () => {
      const duplicate = { ...entraUser(), userName: String(user.userName).toUpperCase() };

      const response = await scim(tenant.users, tenant.token, { method: 'POST', body: duplicate });
      const matches = await scim(filterUrl(tenant.users, `userName eq "${user.userName}"`), tenant.token);
      const byExternalId = await scim(filterUrl(tenant.users, `externalId eq "${duplicate.externalId}"`), tenant.token);

      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '409', scimType: 'uniqueness' });
      expect(matches.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id }] });
      expect(byExternalId.body).toMatchObject({ totalResults: 0 });
    });
  });
});
