import { randomUUID } from 'node:crypto';
import { createTenant } from '../../lambdas/operations/tenants/tenant-admin';
import { getWiring } from '../../lambdas/wiring';
import entraCreateUser from '../fixtures/entra/create-user.json';
import { scim, useTestService } from '../support/local-service';
import {
  ENTERPRISE_USER_SCHEMA,
  ERROR_MESSAGE,
  LIST_RESPONSE,
  PATCH_OP,
  USER_SCHEMA,
} from '../../lambdas/scim/schema/urns';

describe('Users over HTTP against the local server (walking skeleton)', () => {
  const service = useTestService();
  let users: string;
  let token: string;

  beforeAll(async () => {
    users = `${service.tenantUrl}/Users`;
    token = service.token;
  });

  const filterUrl = (filter: string) => `${users}?filter=${encodeURIComponent(filter)}`;
  const newUser = (userName = `${randomUUID()}@contoso.example`) => ({
    ...entraCreateUser,
    userName,
    externalId: userName.split('@')[0],
  });

  describe('Entra Test Connection', () => {
    it('answers a userName probe with a random GUID with 200 and an empty ListResponse', async () => {
      const response = await scim(filterUrl(`userName eq "${randomUUID()}"`), token);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/scim+json');
      expect(response.body).toEqual({
        schemas: [LIST_RESPONSE],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    });
  });

  describe('create, read, match, delete', () => {
    it("creates Entra's user body with the enterprise extension: 201, Location, ETag and meta", async () => {
      const body = newUser();

      const response = await scim(users, token, { method: 'POST', body });

      expect(response.status).toBe(201);
      const created = response.body as Record<string, any>;
      expect(created.id).toEqual(expect.any(String));
      expect(created.userName).toBe(body.userName);
      expect(created.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
      expect(created[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '701984', department: 'Design' });
      expect(created.meta).toEqual({
        resourceType: 'User',
        created: expect.any(String),
        lastModified: expect.any(String),
        version: 'W/"1"',
        location: `${users}/${created.id}`,
      });
      expect(response.headers.get('location')).toBe(created.meta.location);
      expect(response.headers.get('etag')).toBe('W/"1"');
      expect(created.roles).toBeUndefined();
    });

    it('reads a created user by id, and matches it by userName in another letter case', async () => {
      const body = newUser(`Bob.${randomUUID()}@Contoso.example`);
      const created = (await scim(users, token, { method: 'POST', body })).body as Record<string, any>;

      const byId = await scim(`${users}/${created.id}`, token);
      const byUserName = await scim(filterUrl(`userName eq "${body.userName.toUpperCase()}"`), token);

      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(created);
      expect(byUserName.status).toBe(200);
      expect(byUserName.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.id }] });
    });

    it("matches by externalId, quoted or unquoted as in Entra's older docs", async () => {
      const body = newUser();
      const created = (await scim(users, token, { method: 'POST', body })).body as Record<string, any>;

      const quoted = await scim(filterUrl(`externalId eq "${body.externalId}"`), token);
      const unquoted = await scim(filterUrl(`externalId eq ${body.externalId}`), token);

      expect(quoted.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.id }] });
      expect(unquoted.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.id }] });
    });

    it('refuses a duplicate userName in any letter case with 409 uniqueness and keeps the first user', async () => {
      const body = newUser();
      const first = (await scim(users, token, { method: 'POST', body })).body as Record<string, any>;

      const duplicate = await scim(users, token, {
        method: 'POST',
        body: { ...body, userName: body.userName.toUpperCase() },
      });
      const matches = await scim(filterUrl(`userName eq "${body.userName}"`), token);

      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ schemas: [ERROR_MESSAGE], status: '409', scimType: 'uniqueness' });
      expect(String(duplicate.body?.detail)).toContain('userName');
      expect(matches.body).toMatchObject({ totalResults: 1, Resources: [{ id: first.id }] });
    });

    it('deletes a user with 204, after which it is 404 with a SCIM error and no longer matches', async () => {
      const body = newUser();
      const created = (await scim(users, token, { method: 'POST', body })).body as Record<string, any>;

      const deleted = await scim(`${users}/${created.id}`, token, { method: 'DELETE' });
      const read = await scim(`${users}/${created.id}`, token);
      const match = await scim(filterUrl(`userName eq "${body.userName}"`), token);
      const again = await scim(`${users}/${created.id}`, token, { method: 'DELETE' });

      expect(deleted.status).toBe(204);
      expect(read.status).toBe(404);
      expect(read.body).toMatchObject({ schemas: [ERROR_MESSAGE], status: '404' });
      expect(match.body).toMatchObject({ totalResults: 0, Resources: [] });
      expect(again.status).toBe(404);
    });

    it('frees the userName of a deleted user for a new one', async () => {
      const body = newUser();
      const created = (await scim(users, token, { method: 'POST', body })).body as Record<string, any>;
      await scim(`${users}/${created.id}`, token, { method: 'DELETE' });

      const recreated = await scim(users, token, { method: 'POST', body });

      expect(recreated.status).toBe(201);
      expect(recreated.body?.id).not.toBe(created.id);
    });
  });

  describe('renaming a user (userName is unique per tenant, case-insensitively)', () => {
    const rename = (id: string, userName: string) =>
      scim(`${users}/${id}`, token, {
        method: 'PATCH',
        body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: userName }] },
      });

    it('moves the userName: the new name matches, the old one is free again', async () => {
      const before = newUser();
      const after = `${randomUUID()}@contoso.example`;
      const created = (await scim(users, token, { method: 'POST', body: before })).body as Record<string, any>;

      const renamed = await rename(String(created.id), after.toUpperCase());
      const byNewName = await scim(filterUrl(`userName eq "${after}"`), token);
      const byOldName = await scim(filterUrl(`userName eq "${before.userName}"`), token);
      const reuse = await scim(users, token, { method: 'POST', body: before });

      expect(renamed.status).toBe(200);
      expect(renamed.body?.userName).toBe(after.toUpperCase());
      expect((byNewName.body?.Resources as { id: string }[]).map((user) => user.id)).toEqual([created.id]);
      expect(byOldName.body).toMatchObject({ totalResults: 0 });
      expect(reuse.status).toBe(201);
    });

    it("refuses a rename to another user's name in any letter case with 409 uniqueness, changing nothing", async () => {
      const first = (await scim(users, token, { method: 'POST', body: newUser() })).body as Record<string, any>;
      const second = (await scim(users, token, { method: 'POST', body: newUser() })).body as Record<string, any>;

      const clash = await rename(String(second.id), String(first.userName).toUpperCase());
      const unchanged = await scim(`${users}/${second.id}`, token);

      expect(clash.status).toBe(409);
      expect(clash.body).toMatchObject({ scimType: 'uniqueness' });
      expect(unchanged.body).toMatchObject({ userName: second.userName, meta: { version: 'W/"1"' } });
    });

    it('keeps a letter-case-only rename without a conflict with itself', async () => {
      const created = (await scim(users, token, { method: 'POST', body: newUser() })).body as Record<string, any>;

      const recased = await rename(String(created.id), String(created.userName).toUpperCase());

      expect(recased.status).toBe(200);
      expect(recased.body?.userName).toBe(String(created.userName).toUpperCase());
    });
  });

  describe('Entra body quirks', () => {
    it('reads "True"/"False" strings as booleans and null attributes as absent', async () => {
      const body = { ...newUser(), active: 'False', nickName: null, addresses: null, manager: null };

      const response = await scim(users, token, { method: 'POST', body });

      expect(response.status).toBe(201);
      expect(response.body?.active).toBe(false);
      expect(response.body).not.toHaveProperty('nickName');
      expect(response.body).not.toHaveProperty('addresses');
    });

    it('accepts the manager as a bare id string and returns it as {value}', async () => {
      const body = { ...newUser(), [ENTERPRISE_USER_SCHEMA]: { manager: 'some-manager-id' } };

      const response = await scim(users, token, { method: 'POST', body });

      expect(response.body?.[ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { value: 'some-manager-id' } });
    });
  });

  describe('bad input gets a SCIM error and changes nothing', () => {
    it.each([
      ['malformed JSON', '{"userName": ', 400, 'invalidSyntax', 'not valid JSON'],
      [
        'a missing userName',
        { schemas: [USER_SCHEMA], displayName: 'No Name' },
        400,
        'invalidValue',
        'userName is required',
      ],
      ['a userName that is not a string', { userName: 42 }, 400, 'invalidValue', 'userName must be a string'],
      ['a body that is not an object', '[1,2]', 400, 'invalidSyntax', 'JSON object'],
    ])('refuses %s', async (_name, body, status, scimType, detail) => {
      const response = await scim(users, token, { method: 'POST', body });

      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ schemas: [ERROR_MESSAGE], status: String(status), scimType });
      expect(String(response.body?.detail)).toContain(detail);
    });

    it('refuses a body over the size limit with 413 and creates nothing', async () => {
      const userName = `${randomUUID()}@contoso.example`;
      const body = { ...newUser(userName), title: 'x'.repeat(1024 * 1024) };

      const response = await scim(users, token, { method: 'POST', body });
      const match = await scim(filterUrl(`userName eq "${userName}"`), token);

      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ schemas: [ERROR_MESSAGE], status: '413' });
      expect(match.body).toMatchObject({ totalResults: 0 });
    });

    it('refuses an unparsable filter with 400 invalidFilter', async () => {
      const response = await scim(filterUrl('userName eq "unterminated'), token);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ schemas: [ERROR_MESSAGE], status: '400', scimType: 'invalidFilter' });
    });
  });

  describe('authentication', () => {
    let otherToken: string;

    beforeAll(async () => {
      otherToken = (await createTenant(getWiring().deps, `other-${randomUUID().slice(0, 8)}`)).token;
    });

    it.each([
      ['no Authorization header', undefined],
      ['a wrong token of the right shape', 'scimsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000'],
      ['a non-bearer scheme', 'Basic dXNlcjpwYXNz'],
    ])('answers %s with 401 and a SCIM error', async (_name, header) => {
      const response = await fetch(filterUrl('userName eq "x"'), {
        headers: header ? { Authorization: header.startsWith('Basic') ? header : `Bearer ${header}` } : {},
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ schemas: [ERROR_MESSAGE], status: '401' });
    });

    it("answers another tenant's valid token on this Tenant URL with 401", async () => {
      const response = await scim(filterUrl('userName eq "x"'), otherToken);

      expect(response.status).toBe(401);
    });

    it('answers an unknown tenant exactly like a wrong token', async () => {
      const unknown = await scim(
        `${service.baseUrl}/no-such-tenant/Users?filter=${encodeURIComponent('userName eq "x"')}`,
        token,
      );
      const wrong = await scim(filterUrl('userName eq "x"'), otherToken);

      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
    });
  });

  describe('writes to a missing user', () => {
    it('authenticates first, then answers 404 with a SCIM error', async () => {
      const unauthenticated = await scim(`${users}/some-id`, undefined, { method: 'PUT', body: newUser() });
      const authenticated = await scim(`${users}/some-id`, token, { method: 'PUT', body: newUser() });

      expect(unauthenticated.status).toBe(401);
      expect(authenticated.status).toBe(404);
      expect(authenticated.body).toMatchObject({ schemas: [ERROR_MESSAGE], status: '404' });
    });
  });
});
