import { randomUUID } from 'node:crypto';
import { RECHECK_AFTER_MS } from '../../lambdas/operations/credentials/authenticate';
import { setMapping, setPolicy } from '../../lambdas/operations/profiles/profile-admin';
import { createTenant, disconnectTenant, reconnectTenant } from '../../lambdas/operations/tenants/tenant-admin';
import { getWiring } from '../../lambdas/wiring';
import { changeEvents, eventually } from '../support/events-file';
import { scim, useTestService } from '../support/local-service';
import { PATCH_OP } from '../../lambdas/scim/schema/urns';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

describe('source of truth per field: hybrid ownership over the profile API and SCIM', () => {
  const service = useTestService();
  let tenantId: string;
  let tenantUrl: string;
  let token: string;
  let profiles: string;
  let userId: string;

  beforeAll(async () => {
    const deps = getWiring().deps;
    tenantId = `own-${randomUUID().slice(0, 8)}`;
    token = (await createTenant(deps, tenantId)).token;
    await setPolicy(deps, tenantId, { default: 'directory', fields: { mobilePhone: 'user', pronouns: 'user' } });
    await setMapping(deps, tenantId, { costCenter: `${ACME}:costCenter` });
    tenantUrl = `${service.baseUrl}/${tenantId}`;
    profiles = `${service.baseUrl.replace(/\/scim\/v2$/, '')}/profiles/v1/${tenantId}`;
    const created = await scim(`${tenantUrl}/Users`, token, {
      method: 'POST',
      body: {
        userName: `ada-${randomUUID()}@own.example`,
        title: 'Engineer',
        phoneNumbers: [{ type: 'mobile', value: '+1 555 0101' }],
        [ACME]: { costCenter: 'CC-42' },
      },
    });
    userId = String(created.body?.id);
  });

  const profile = async () => (await scim(`${profiles}/users/${userId}`, undefined)).body as Record<string, any>;
  const edit = (fields: Record<string, string | null>) =>
    scim(`${profiles}/users/${userId}`, undefined, { method: 'PATCH', body: { fields } });
  const scimPatch = (operations: unknown[]) =>
    scim(`${tenantUrl}/Users/${userId}`, token, {
      method: 'PATCH',
      body: { schemas: [PATCH_OP], Operations: operations },
    });

  it("stores the tenant's own extension attribute, lists its schema, and maps it to a custom field", async () => {
    const user = await scim(`${tenantUrl}/Users/${userId}`, token);
    const schemas = await scim(`${tenantUrl}/Schemas`, token);

    expect(user.body?.[ACME]).toEqual({ costCenter: 'CC-42' });
    expect((schemas.body?.Resources as { id: string }[]).map((schema) => schema.id)).toContain(ACME);
    expect((await profile()).profile.costCenter).toBe('CC-42');
  });

  it("keeps a user's edit of a user-owned field through an Entra PATCH of it, while SCIM still shows the directory's value", async () => {
    const edited = await edit({ mobilePhone: '+1 555 9999', pronouns: 'she/her' });
    const patched = await scimPatch([
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0202' },
    ]);
    const after = await profile();

    expect(edited.status).toBe(200);
    expect(patched.status).toBe(200);
    expect(after.profile).toMatchObject({ mobilePhone: '+1 555 9999', pronouns: 'she/her', title: 'Engineer' });
    expect(after.fields.mobilePhone).toMatchObject({
      owner: 'user',
      directoryValue: '+1 555 0202',
      userValue: '+1 555 9999',
      editable: true,
    });
    expect(patched.body?.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0202' }]);
  });

  it('refuses an edit of a directory-owned field while connected with 409 naming the owner, and changes nothing', async () => {
    const before = await profile();

    const refused = await edit({ title: 'Chief Vibes Officer' });

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      status: '409',
      scimType: 'mutability',
      detail: expect.stringContaining('owned by the directory'),
    });
    expect(await profile()).toEqual(before);
  });

  it('makes every field editable after a disconnect, and gives directory-owned fields back to Entra on reconnect', async () => {
    const deps = getWiring().deps;
    await disconnectTenant(deps, tenantId);

    const manual = await profile();
    const allowed = await edit({ title: 'Chief Vibes Officer' });
    token = (await reconnectTenant(deps, tenantId)).token;
    // A container that cached the tenant record reads it again for an unknown token after RECHECK_AFTER_MS.
    await new Promise((resolve) => setTimeout(resolve, RECHECK_AFTER_MS));
    const managed = await profile();

    expect(manual.managed).toBe(false);
    expect(manual.fields.title.editable).toBe(true);
    expect(allowed.status).toBe(200);
    expect((allowed.body?.profile as Record<string, string>).title).toBe('Chief Vibes Officer');
    expect(managed.managed).toBe(true);
    expect(managed.profile).toMatchObject({ title: 'Engineer', mobilePhone: '+1 555 9999' });
  });

  it('carries the effective profile in every user event, in order', async () => {
    const events = await eventually(
      () => changeEvents(service.eventsFile, (event) => event.resourceId === userId),
      (list) => list.some((event) => event.profile?.title === 'Engineer' && event.version > 3),
    );

    const titles = events.map((event) => [event.detailType, event.profile?.title, event.profile?.mobilePhone]);
    expect(titles[0]).toEqual(['User Created', 'Engineer', '+1 555 0101']);
    expect(titles).toContainEqual(['User Updated', 'Engineer', '+1 555 9999']);
    expect(titles).toContainEqual(['User Updated', 'Chief Vibes Officer', '+1 555 9999']);
    expect(titles.at(-1)).toEqual(['User Updated', 'Engineer', '+1 555 9999']);
    expect(events.map((event) => event.version)).toEqual(
      [...events.map((event) => event.version)].sort((a, b) => a - b),
    );
  });

  it("lists the effective profiles of a group's members a page at a time", async () => {
    const others = await Promise.all(
      [1, 2].map(async () =>
        String(
          (
            await scim(`${tenantUrl}/Users`, token, {
              method: 'POST',
              body: { userName: `m-${randomUUID()}@own.example` },
            })
          ).body?.id,
        ),
      ),
    );
    const group = await scim(`${tenantUrl}/Groups`, token, {
      method: 'POST',
      body: { displayName: 'Banner A', members: [userId, ...others].map((value) => ({ value })) },
    });

    const first = await scim(`${profiles}/groups/${String(group.body?.id)}/members?count=2`, undefined);
    const second = await scim(
      `${profiles}/groups/${String(group.body?.id)}/members?count=2&cursor=${String(first.body?.nextCursor)}`,
      undefined,
    );

    const ids = [...(first.body?.profiles as { id: string }[]), ...(second.body?.profiles as { id: string }[])].map(
      (entry) => entry.id,
    );
    expect(ids.sort()).toEqual([userId, ...others].sort());
    expect(second.body?.nextCursor).toBeUndefined();
  });
});
