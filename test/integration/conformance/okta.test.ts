import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { userKey } from '../../../lambdas/adapters/dynamodb/keys';
import { createDocumentClient } from '../../../lambdas/wiring';
import {
  GROUP_URN,
  USER_URN,
  createGroup,
  createUser,
  filterUrl,
  ids,
  newTenant,
  useTenant,
  patchBody,
  read,
  sorted,
  storedMemberIds,
  type ConformanceTenant,
} from '../../support/conformance';
import { scim, useTestService } from '../../support/local-service';

/** Okta's SCIM 2.0 provisioning sequences: filter match, POST, PUT replace, index paging, group PATCH/PUT. */
describe('Okta provisioning (conformance)', () => {
  const service = useTestService();
  const tenant = useTenant(service, 'okta');

  /** Okta's create body: core schema only, a password, an empty groups list. */
  const oktaUser = () => {
    const local = `okta.${randomUUID().slice(0, 8)}`;
    return {
      schemas: [USER_URN],
      userName: `${local}@example.com`,
      name: { givenName: 'Olga', familyName: 'Okta' },
      emails: [{ primary: true, value: `${local}@example.com`, type: 'work' }],
      displayName: 'Olga Okta',
      nickName: 'Olly',
      locale: 'en-US',
      externalId: `00u${randomUUID().replace(/-/g, '').slice(0, 17)}`,
      groups: [],
      password: 'Not-Stored-1',
      active: true,
    };
  };

  /** A user's item as the table holds it, read past the service (what a GET would never show). */
  const storedUserItem = async (userId: string) => {
    const client = createDocumentClient({ dynamodbEndpoint: service.instance.endpoint });
    try {
      const { Item } = await client.send(
        new GetCommand({ TableName: service.tableName, Key: userKey(tenant.tenantId, userId), ConsistentRead: true }),
      );
      return Item;
    } finally {
      client.destroy();
    }
  };

  describe('users: match, create, replace', () => {
    let body: ReturnType<typeof oktaUser>;
    let created: Record<string, any>;

    beforeAll(async () => {
      body = oktaUser();
    });

    it('matches by userName eq before the create and finds nothing', async () => {
      const response = await scim(
        `${filterUrl(tenant.users, `userName eq "${body.userName}"`)}&startIndex=1&count=100`,
        tenant.token,
      );

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it("creates Okta's body (with a password) with 201 and never returns the password", async () => {
      const response = await scim(tenant.users, tenant.token, { method: 'POST', body });
      created = response.body as Record<string, any>;

      expect(response.status).toBe(201);
      expect(created).toMatchObject({
        userName: body.userName,
        externalId: body.externalId,
        nickName: 'Olly',
        active: true,
      });
      expect(created).not.toHaveProperty('password');
    });

    it('never returns the password on a later GET (RFC 7643 §4.1.1: returned "never")', async () => {
      const response = await scim(`${tenant.users}/${created.id}`, tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).not.toHaveProperty('password');
    });

    it('does not keep the password in the stored user item (writeOnly, never returned: nothing reads it back)', async () => {
      const Item = await storedUserItem(created.id);

      expect(Item?.data).toMatchObject({ userName: body.userName });
      expect(JSON.stringify(Item)).not.toContain(body.password);
    });

    it.each([
      [
        'a PATCH path-less replace',
        (_id: string) => ({
          method: 'PATCH',
          body: patchBody([{ op: 'replace', value: { password: 'Changed-Secret-2' } }]),
        }),
      ],
      [
        'a PUT with the password',
        (id: string) => ({ method: 'PUT', body: { ...body, id, password: 'Changed-Secret-2' } }),
      ],
    ])('accepts a password change by %s and neither returns nor stores it', async (_name, change) => {
      const { method, body: requestBody } = change(created.id);

      const response = await scim(`${tenant.users}/${created.id}`, tenant.token, { method, body: requestBody });
      const Item = await storedUserItem(created.id);

      expect(response.status).toBe(200);
      expect(response.body).not.toHaveProperty('password');
      expect(JSON.stringify(Item)).not.toContain('Changed-Secret-2');
    });

    it('PUT /Users/{id} replaces the whole user: changed attributes change, omitted ones go', async () => {
      const { nickName: _dropped, password: _password, ...rest } = body;
      const replacement = { ...rest, id: created.id, name: { givenName: 'Olga', familyName: 'Renamed' } };

      const response = await scim(`${tenant.users}/${created.id}`, tenant.token, { method: 'PUT', body: replacement });
      const stored = await read(tenant, `${tenant.users}/${created.id}`);

      expect(response.status).toBe(200);
      expect(stored).toMatchObject({
        id: created.id,
        userName: body.userName,
        name: { givenName: 'Olga', familyName: 'Renamed' },
        active: true,
      });
      expect(stored).not.toHaveProperty('nickName');
      expect(stored.meta.version).not.toBe(created.meta.version);
    });

    it('PUT /Users/{id} with active: false deactivates; the user is still read by id and matched by filter', async () => {
      const { password: _password, ...rest } = body;

      const response = await scim(`${tenant.users}/${created.id}`, tenant.token, {
        method: 'PUT',
        body: { ...rest, id: created.id, active: false },
      });
      const byId = await read(tenant, `${tenant.users}/${created.id}`);
      const byFilter = await scim(filterUrl(tenant.users, `userName eq "${body.userName}"`), tenant.token);

      expect(response.status).toBe(200);
      expect(byId.active).toBe(false);
      expect(byFilter.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.id, active: false }] });
    });

    it('a lower-case path-less replace of {active: true} reactivates', async () => {
      const response = await scim(`${tenant.users}/${created.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', value: { active: true } }]),
      });
      const stored = await read(tenant, `${tenant.users}/${created.id}`);

      expect(response.status).toBe(200);
      expect(stored.active).toBe(true);
    });
  });

  describe('index paging (startIndex, count)', () => {
    let paged: ConformanceTenant;
    let allUsers: string[];
    let allGroups: string[];

    beforeAll(async () => {
      paged = await newTenant(service, 'okta-paging');
      allUsers = [];
      allGroups = [];
      for (let i = 0; i < 7; i += 1) allUsers.push(String((await createUser(paged)).id));
      for (let i = 0; i < 5; i += 1) allGroups.push(String((await createGroup(paged)).id));
    });

    /** Walks startIndex=1, 1+count, … until a page comes back short; returns every page. */
    const walk = async (base: string, count: number) => {
      const pages = [];
      for (let startIndex = 1; ; startIndex += count) {
        const response = await scim(`${base}?startIndex=${startIndex}&count=${count}`, paged.token);
        pages.push({ startIndex, response });
        if (ids(response).length < count) break;
      }
      return pages;
    };

    it.each([
      ['users', () => paged.users, () => allUsers, 7],
      ['groups', () => paged.groups, () => allGroups, 5],
    ])(
      'pages through all %s two at a time: right totals, no overlap, full coverage',
      async (_name, base, expected, total) => {
        const pages = await walk(base(), 2);
        const seen = pages.flatMap((page) => ids(page.response));

        expect(pages.map((page) => page.response.status)).toEqual(pages.map(() => 200));
        expect(pages.map((page) => page.response.body?.totalResults)).toEqual(pages.map(() => total));
        expect(pages.map((page) => page.response.body?.startIndex)).toEqual(pages.map((page) => page.startIndex));
        expect(pages.map((page) => page.response.body?.itemsPerPage)).toEqual(
          pages.map((page) => ids(page.response).length),
        );
        expect(pages.map((page) => ids(page.response).length)).toEqual([
          ...Array(Math.floor(total / 2)).fill(2),
          total % 2,
        ]);
        expect(new Set(seen).size).toBe(seen.length);
        expect(sorted(seen)).toEqual(sorted(expected()));
      },
    );

    it('answers a startIndex past the end with an empty page and the right total', async () => {
      const response = await scim(`${paged.users}?startIndex=50&count=2`, paged.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ totalResults: 7, startIndex: 50, itemsPerPage: 0, Resources: [] });
    });
  });

  describe('groups', () => {
    let members: string[];

    beforeAll(async () => {
      members = [];
      for (let i = 0; i < 3; i += 1) members.push(String((await createUser(tenant)).id));
    });

    it("renames with a path-less replace whose value carries the group's id", async () => {
      const group = await createGroup(tenant, { members: [{ value: members[0] }] });
      const newName = `Okta renamed ${randomUUID().slice(0, 8)}`;

      const response = await scim(`${tenant.groups}/${group.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', value: { id: group.id, displayName: newName } }]),
      });
      const stored = await read(tenant, `${tenant.groups}/${group.id}`);

      expect(response.status).toBe(204);
      expect(stored).toMatchObject({ id: group.id, displayName: newName, members: [{ value: members[0] }] });
    });

    it('PUT /Groups/{id} with a members list replaces the members', async () => {
      const group = await createGroup(tenant, { members: [{ value: members[0] }, { value: members[1] }] });
      const replacement = {
        schemas: [GROUP_URN],
        id: group.id,
        displayName: group.displayName,
        members: [
          { value: members[1], display: 'b' },
          { value: members[2], display: 'c' },
        ],
      };

      const response = await scim(`${tenant.groups}/${group.id}`, tenant.token, { method: 'PUT', body: replacement });

      expect(response.status).toBe(200);
      expect(await storedMemberIds(tenant, group.id)).toEqual(sorted([members[1] as string, members[2] as string]));
    });

    it('a PATCH replace of path members replaces the members', async () => {
      const group = await createGroup(tenant, { members: [{ value: members[0] }, { value: members[1] }] });

      const response = await scim(`${tenant.groups}/${group.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'members', value: [{ value: members[1] }, { value: members[2] }] }]),
      });

      expect(response.status).toBe(204);
      expect(await storedMemberIds(tenant, group.id)).toEqual(sorted([members[1] as string, members[2] as string]));
    });

    it('adds with a lower-case add and removes with a lower-case remove by members[value eq "…"]', async () => {
      const group = await createGroup(tenant, { members: [{ value: members[0] }] });

      const added = await scim(`${tenant.groups}/${group.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([
          {
            op: 'add',
            path: 'members',
            value: [
              { value: members[1], display: 'b' },
              { value: members[2], display: 'c' },
            ],
          },
        ]),
      });
      const afterAdd = await storedMemberIds(tenant, group.id);
      const removed = await scim(`${tenant.groups}/${group.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'remove', path: `members[value eq "${members[0]}"]` }]),
      });
      const afterRemove = await storedMemberIds(tenant, group.id);

      expect(added.status).toBe(204);
      expect(afterAdd).toEqual(sorted(members));
      expect(removed.status).toBe(204);
      expect(afterRemove).toEqual(sorted(members.slice(1)));
    });
  });
});
