import { randomUUID } from 'node:crypto';
import memberCases from '../../fixtures/conformance/entra-group-members.json';
import {
  ADSCIM_GROUP_URN,
  ERROR_URN,
  GROUP_URN,
  LIST_URN,
  createGroup,
  createUser,
  filterUrl,
  useTenant,
  patchBody,
  read,
  sorted,
  storedGroupIds,
  storedMemberIds,
} from '../../support/conformance';
import { scim, useTestService } from '../../support/local-service';

/** Replays Entra's group provisioning sequence (shared/entra/README.md §3) and checks stored state by GET. */
describe('Entra ID group provisioning (conformance)', () => {
  const service = useTestService();
  const tenant = useTenant(service, 'entra-groups');
  let userIds: string[];

  beforeAll(async () => {
    userIds = [];
    for (let i = 0; i < 4; i += 1) userIds.push(String((await createUser(tenant)).id));
  });

  const groupUrl = (id: string, query = '') => `${tenant.groups}/${id}${query ? `?${query}` : ''}`;
  const patchGroup = (id: string, operations: unknown[]) =>
    scim(groupUrl(id), tenant.token, { method: 'PATCH', body: patchBody(operations) });
  const asMembers = (values: readonly string[]) => values.map((value) => ({ value }));
  /** Replaces `<u0>`…`<u3>` in a fixture with the ids of the users made in beforeAll. */
  const bind = <T>(template: T): T =>
    JSON.parse(
      JSON.stringify(template).replace(/<u(\d)>/g, (_m, index: string) => userIds[Number(index)] as string),
    ) as T;

  describe('Test Connection and match', () => {
    it('§1.2: the group probe with excludedAttributes=members and a random displayName answers an empty ListResponse', async () => {
      const url = filterUrl(tenant.groups, `displayName eq "${randomUUID()}"`, 'excludedAttributes=members');

      const response = await scim(url, tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ schemas: [LIST_URN], totalResults: 0, Resources: [] });
    });

    it('quirk 8: matching by displayName with excludedAttributes=members returns the group without a members key', async () => {
      const group = await createGroup(tenant, { members: asMembers(userIds.slice(0, 2)) });
      const url = filterUrl(tenant.groups, `displayName eq "${group.displayName}"`, 'excludedAttributes=members');

      const response = await scim(url, tenant.token);

      expect(response.body).toMatchObject({
        totalResults: 1,
        Resources: [{ id: group.id, displayName: group.displayName }],
      });
      expect((response.body?.Resources as Record<string, unknown>[])[0]).not.toHaveProperty('members');
    });
  });

  describe('create, read, rename', () => {
    it('quirk 11: a create with the ADSCIM URN in schemas is 201 with an id, readable by GET', async () => {
      const body = {
        schemas: [GROUP_URN, ADSCIM_GROUP_URN],
        externalId: randomUUID(),
        displayName: `Sales ${randomUUID().slice(0, 8)}`,
        meta: { resourceType: 'Group' },
      };

      const response = await scim(tenant.groups, tenant.token, { method: 'POST', body });
      const readBack = await read(tenant, groupUrl(String(response.body?.id), 'excludedAttributes=members'));

      expect(response.status).toBe(201);
      expect(response.body?.id).toEqual(expect.any(String));
      expect(readBack).toMatchObject({
        id: response.body?.id,
        displayName: body.displayName,
        externalId: body.externalId,
      });
      expect(readBack).not.toHaveProperty('members');
    });

    it('§3 rename: Replace displayName answers 204, the new name matches, the old does not, members stay', async () => {
      const group = await createGroup(tenant, {
        displayName: `Sales ${randomUUID().slice(0, 8)}`,
        members: asMembers(userIds.slice(0, 2)),
      });
      const newName = `Sales EMEA ${randomUUID().slice(0, 8)}`;

      const response = await patchGroup(group.id, [{ op: 'Replace', path: 'displayName', value: newName }]);
      const byNew = await scim(filterUrl(tenant.groups, `displayName eq "${newName}"`), tenant.token);
      const byOld = await scim(filterUrl(tenant.groups, `displayName eq "${group.displayName}"`), tenant.token);

      expect(response.status).toBe(204);
      expect(byNew.body).toMatchObject({ totalResults: 1, Resources: [{ id: group.id, displayName: newName }] });
      expect(byOld.body).toMatchObject({ totalResults: 0 });
      expect(await storedMemberIds(tenant, group.id)).toEqual(sorted(userIds.slice(0, 2)));
    });
  });

  describe('membership PATCHes', () => {
    it.each(memberCases)('$name', async (template) => {
      const { before, operations, after, unchanged } = bind(template) as typeof template & { unchanged?: boolean };
      const group = await createGroup(tenant, { members: asMembers(before) });

      const response = await patchGroup(group.id, operations);
      const stored = await read(tenant, groupUrl(group.id));

      expect(response.status).toBe(204);
      expect(sorted(((stored.members ?? []) as { value: string }[]).map((member) => member.value))).toEqual(
        sorted(after),
      );
      if (unchanged) expect(stored.meta.version).toBe(group.meta.version);
      else expect(stored.meta.version).not.toBe(group.meta.version);
    });

    it("refuses a member id that does not exist with 400 invalidValue and adds none of the request's members", async () => {
      const group = await createGroup(tenant, { members: asMembers(userIds.slice(0, 1)) });
      const missing = randomUUID();

      const response = await patchGroup(group.id, [
        {
          op: 'Add',
          path: 'members',
          value: [
            { $ref: null, value: userIds[1] },
            { $ref: null, value: missing },
          ],
        },
      ]);
      const stored = await read(tenant, groupUrl(group.id));

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidValue' });
      expect(String(response.body?.detail)).toContain(missing);
      expect(stored.members).toEqual([{ value: userIds[0] }]);
      expect(stored.meta.version).toBe(group.meta.version);
    });
  });

  describe('quirk 8: excludedAttributes=members', () => {
    let group: Record<string, any>;

    beforeAll(async () => {
      group = await createGroup(tenant, { members: asMembers(userIds.slice(0, 3)) });
    });

    it('GET /Groups/{id} without it returns the members', async () => {
      const response = await scim(groupUrl(group.id), tenant.token);

      expect(sorted((response.body?.members as { value: string }[]).map((member) => member.value))).toEqual(
        sorted(userIds.slice(0, 3)),
      );
    });

    it('GET /Groups/{id}?excludedAttributes=members has no members key', async () => {
      const response = await scim(groupUrl(group.id, 'excludedAttributes=members'), tenant.token);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: group.id, displayName: group.displayName });
      expect(response.body).not.toHaveProperty('members');
    });

    it('GET /Groups?excludedAttributes=members lists groups without members keys', async () => {
      const response = await scim(`${tenant.groups}?excludedAttributes=members`, tenant.token);
      const resources = response.body?.Resources as Record<string, unknown>[];

      expect(response.status).toBe(200);
      expect(resources.map((resource) => resource.id)).toContain(group.id);
      expect(resources.filter((resource) => 'members' in resource)).toEqual([]);
    });
  });

  describe('memberships seen from the users, and deletes', () => {
    it("a user's groups attribute lists the groups it is a member of", async () => {
      const user = await createUser(tenant);
      const first = await createGroup(tenant);
      const second = await createGroup(tenant);

      await patchGroup(first.id, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: user.id }] }]);
      await patchGroup(second.id, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: user.id }] }]);
      const readBack = await read(tenant, `${tenant.users}/${user.id}`);

      expect(sorted((readBack.groups as { value: string }[]).map((group) => group.value))).toEqual(
        sorted([first.id, second.id]),
      );
      expect(readBack.groups).toContainEqual(expect.objectContaining({ value: first.id, display: first.displayName }));
    });

    it('deleting a user removes it from its groups and leaves the other members', async () => {
      const user = await createUser(tenant);
      const group = await createGroup(tenant, { members: asMembers([user.id, userIds[0] as string]) });

      const deleted = await scim(`${tenant.users}/${user.id}`, tenant.token, { method: 'DELETE' });

      expect(deleted.status).toBe(204);
      expect(await storedMemberIds(tenant, group.id)).toEqual([userIds[0]]);
    });

    it("deleting a group removes it from its members' groups and leaves their other groups", async () => {
      const user = await createUser(tenant);
      const doomed = await createGroup(tenant, { members: asMembers([user.id]) });
      const kept = await createGroup(tenant, { members: asMembers([user.id]) });

      const deleted = await scim(groupUrl(doomed.id), tenant.token, { method: 'DELETE' });
      const readBack = await scim(groupUrl(doomed.id), tenant.token);

      expect(deleted.status).toBe(204);
      expect(readBack.status).toBe(404);
      expect(await storedGroupIds(tenant, user.id)).toEqual([kept.id]);
    });
  });
});
