import { existsSync, readFileSync } from 'node:fs';
import { tenantPartitionKey } from '../../lambdas/contracts/partitions';
import { membersPartition } from '../../lambdas/adapters/dynamodb/keys';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChangeEvent } from '../../lambdas/events/catalog';
import { MAX_JSON_DEPTH } from '../../lambdas/http/define-operation';
import { encodeCursor } from '../../lambdas/scim/list';
import { MAX_RESOURCE_BYTES, MAX_VALUES_PER_ATTRIBUTE } from '../../lambdas/scim/resources/normalize';
import { getWiring } from '../../lambdas/wiring';
import {
  createGroup,
  createUser,
  ERROR_URN,
  filterUrl,
  GROUP_URN,
  useTenant,
  patchBody,
  userBody,
  USER_URN,
} from '../support/conformance';
import { scim, useTestService } from '../support/local-service';
import { inspectionClient, partition, partitionSize } from '../support/table-inspection';

/**
 * Issue 16 (an adversarial pass), items 2 and 5–13, through the local server: each case answered a
 * 5xx, echoed a secret, leaked which tenants exist, or accepted what it should refuse. Every refusal
 * is a SCIM error and changes nothing the tenant owns (docs/security.md T20–T28).
 */
describe('hardening: input that used to break the service (issue 16)', () => {
  const service = useTestService();
  let client: DynamoDBDocumentClient;
  const tenant = useTenant(service, 'hard');
  let user: Record<string, any>;
  let group: Record<string, any>;

  beforeAll(async () => {
    client = inspectionClient();
    user = await createUser(tenant);
    group = await createGroup(tenant, { members: [{ value: user.id }] });
  }, 60_000);

  afterAll(async () => {
    client.destroy();
  });

  /** The tenant's users, markers, groups, memberships and event count: what a refused request must not change. */
  const tenantState = async () => {
    const { tenantId } = tenant;
    const items = (
      await Promise.all(
        [
          tenantPartitionKey(tenantId, 'users'),
          tenantPartitionKey(tenantId, 'userNames'),
          tenantPartitionKey(tenantId, 'groups'),
          membersPartition(tenantId, group.id),
        ].map((pk) => partition(client, service.tableName, pk)),
      )
    ).flat();
    return JSON.stringify({
      items: items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort(),
      events: await partitionSize(client, service.tableName, tenantPartitionKey(tenantId, 'events')),
    });
  };

  const raw = (path: string, init: RequestInit = {}) =>
    fetch(`${tenant.tenantUrl}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${tenant.token}`, ...(init.headers as Record<string, string>) },
    });

  const expectScimError = (
    call: { status: number; body: Record<string, unknown> | undefined },
    status: number,
    scimType?: string,
  ) => {
    expect(call.status).toBe(status);
    expect(call.body?.schemas).toEqual([ERROR_URN]);
    expect(call.body?.status).toBe(String(status));
    if (scimType !== undefined) expect(call.body?.scimType).toBe(scimType);
  };

  describe('item 5: 5xx on client input are 400s that change nothing', () => {
    it.each([
      ['Users', 'id eq ""'],
      ['Users', 'userName eq ""'],
      ['Users', 'externalId eq ""'],
      ['Groups', 'id eq ""'],
      ['Groups', 'displayName eq ""'],
    ])('answers GET /%s?filter=%s with 400 invalidFilter', async (collection, filter) => {
      const before = await tenantState();

      const call = await scim(filterUrl(`${tenant.tenantUrl}/${collection}`, filter), tenant.token);

      expectScimError(call, 400, 'invalidFilter');
      expect(await tenantState()).toBe(before);
    });

    it('answers a cursor holding an empty afterId with 400 invalidCursor', async () => {
      const call = await scim(`${tenant.users}?cursor=${encodeCursor({ afterId: '' })}`, tenant.token);

      expectScimError(call, 400, 'invalidCursor');
    });

    it('answers startIndex=3000000000 with an empty page, not a 503 clients would retry forever', async () => {
      const call = await scim(`${tenant.users}?startIndex=3000000000`, tenant.token);

      expect(call.status).toBe(200);
      expect(call.body?.Resources).toEqual([]);
      expect(call.headers.get('retry-after')).toBeNull();
    });

    it('refuses a POST whose user would exceed the item limit (300 emails × 2,000 characters) with 400 invalidValue', async () => {
      const before = await tenantState();
      const emails = Array.from({ length: 300 }, (_unused, index) => ({
        value: `${'x'.repeat(1990)}${index}@a.example`,
        type: 'work',
      }));

      const call = await scim(tenant.users, tenant.token, { method: 'POST', body: userBody({ emails }) });

      expectScimError(call, 400, 'invalidValue');
      expect(await tenantState()).toBe(before);
    });

    it(`refuses a POST of a user over ${MAX_RESOURCE_BYTES} bytes within the per-attribute bound with 400 invalidValue`, async () => {
      const before = await tenantState();
      const long = (index: number) => `${'y'.repeat(2000)}${index}`;
      const phoneNumbers = Array.from({ length: MAX_VALUES_PER_ATTRIBUTE }, (_unused, index) => ({
        value: long(index),
        type: 'work',
      }));

      const call = await scim(tenant.users, tenant.token, { method: 'POST', body: userBody({ phoneNumbers }) });

      expectScimError(call, 400, 'invalidValue');
      expect(String(call.body?.detail)).toContain(`limit is ${MAX_RESOURCE_BYTES} bytes`);
      expect(await tenantState()).toBe(before);
    });

    it('answers JSON nested 5,000 deep in an attribute with 400 invalidSyntax (no stack overflow)', async () => {
      const before = await tenantState();
      const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
      const body = JSON.stringify(userBody()).replace(/}$/, `,"emails":${deep}}`);

      const call = await scim(tenant.users, tenant.token, { method: 'POST', body });

      expectScimError(call, 400, 'invalidSyntax');
      expect(String(call.body?.detail)).toContain(String(MAX_JSON_DEPTH));
      expect(await tenantState()).toBe(before);
    });

    it.each(['/scim/v2/%E0/Users', `/scim/v2/TENANT/Users/%`, `/scim/v2/TENANT/Users/%ZZ`])(
      'answers a path with malformed percent-encoding (%s) with 400, not a 500',
      async (path) => {
        const response = await fetch(
          `${service.baseUrl.replace(/\/scim\/v2$/, '')}${path.replace('TENANT', tenant.tenantId)}`,
          { headers: { Authorization: `Bearer ${tenant.token}` } },
        );
        const body = (await response.json()) as Record<string, unknown>;

        expect(response.status).toBe(400);
        expect(body.schemas).toEqual([ERROR_URN]);
      },
    );
  });

  describe('item 6: multi-valued attributes are bounded, and their merges are linear', () => {
    it(`refuses a PATCH adding 13,000 emails with 400 invalidValue naming the bound of ${MAX_VALUES_PER_ATTRIBUTE}, and changes nothing`, async () => {
      const before = await tenantState();
      const emails = Array.from({ length: 13_000 }, (_unused, index) => ({
        value: `m${index}@contoso.example`,
        type: 'other',
      }));

      const call = await scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'add', path: 'emails', value: emails }]),
      });

      expectScimError(call, 400, 'invalidValue');
      expect(String(call.body?.detail)).toContain(`limit is ${MAX_VALUES_PER_ATTRIBUTE}`);
      expect(await tenantState()).toBe(before);
    });

    it('refuses PATCH operations that together grow an attribute past the bound', async () => {
      const target = await createUser(tenant);
      const batch = (start: number) =>
        Array.from({ length: 60 }, (_unused, index) => ({ value: `b${start + index}@contoso.example`, type: 'other' }));

      const call = await scim(`${tenant.users}/${target.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([
          { op: 'add', path: 'emails', value: batch(0) },
          { op: 'add', path: 'emails', value: batch(60) },
        ]),
      });

      expectScimError(call, 400, 'invalidValue');
      expect(String(call.body?.detail)).toContain('emails would hold 121 values');
    });

    it('adds up to the bound in one PATCH, skipping exact duplicates, and removes listed values by value', async () => {
      const target = await createUser(tenant);
      const added = Array.from({ length: MAX_VALUES_PER_ATTRIBUTE - 1 }, (_unused, index) => ({
        value: `a${index}@contoso.example`,
        type: 'other',
      }));

      const add = await scim(`${tenant.users}/${target.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([
          { op: 'add', path: 'emails', value: added },
          { op: 'add', path: 'emails', value: added },
        ]),
      });
      const remove = await scim(`${tenant.users}/${target.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'remove', path: 'emails', value: added.slice(0, 50).map(({ value }) => ({ value })) }]),
      });

      expect(add.status).toBe(200);
      expect((add.body?.emails as unknown[]).length).toBe(MAX_VALUES_PER_ATTRIBUTE);
      expect(remove.status).toBe(200);
      expect((remove.body?.emails as { value: string }[]).map((email) => email.value)).toEqual([
        target.emails[0].value,
        ...added.slice(50).map(({ value }) => value),
      ]);
    });
  });

  describe('item 7: error details never echo values; password never appears anywhere', () => {
    it('accepts and drops a PATCH of password, whatever its shape, and writes it nowhere', async () => {
      const secret = 'P4ssw0rd-LEAK';

      const call = await scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'password', value: [secret] }]),
      });
      const log = await getWiring().deps.log.list(tenant.tenantId, { limit: 100 });
      const stored = await partition(client, service.tableName, tenantPartitionKey(tenant.tenantId, 'users'));

      expect(call.status).toBe(200);
      expect(JSON.stringify(call.body)).not.toContain(secret);
      expect(JSON.stringify(log)).not.toContain(secret);
      expect(JSON.stringify(stored)).not.toContain(secret);
    });

    it('names the attribute and the expected type, with only a short hint of a 900 KB value', async () => {
      const value = 'V'.repeat(900 * 1024);

      const call = await scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'title', value: [value] }]),
      });
      const log = await getWiring().deps.log.list(tenant.tenantId, { limit: 100 });

      expectScimError(call, 400, 'invalidValue');
      expect(call.body?.detail).toBe('Operations[0]: title must be a string, got an array of 1 item.');
      expect(JSON.stringify(log)).not.toContain('VVVV');
    });

    it.each([
      'password[value eq "P4ssw0rd-IN-PATH"]',
      'password[value eq "P4ssw0rd-IN-PATH"',
      'password[value eq "P4ssw0rd-IN-PATH"].x',
    ])('refuses the PATCH path %j without quoting it, in the answer or the provisioning log', async (path) => {
      const call = await scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path, value: 'x' }]),
      });
      const log = await getWiring().deps.log.list(tenant.tenantId, { limit: 100 });

      expectScimError(call, 400, 'invalidPath');
      expect(String(call.body?.detail)).toContain('password');
      expect(JSON.stringify(call.body)).not.toContain('P4ssw0rd');
      expect(JSON.stringify(log)).not.toContain('P4ssw0rd');
    });

    it('does not quote a body that is not JSON', async () => {
      const call = await scim(tenant.users, tenant.token, { method: 'POST', body: '{"userName": SECRET-IN-BODY}' });

      expectScimError(call, 400, 'invalidSyntax');
      expect(String(call.body?.detail)).not.toContain('SECRET');
    });
  });

  describe('item 8: a wrong token writes nothing, on a real tenant or an unknown one', () => {
    it('writes no provisioning-log row for 401s on a real tenant', async () => {
      const before = await getWiring().deps.log.list(tenant.tenantId, { limit: 1000 });

      for (let i = 0; i < 5; i += 1)
        expect((await scim(tenant.users, 'scimsk_wrong', { method: 'POST', body: userBody() })).status).toBe(401);
      const after = await getWiring().deps.log.list(tenant.tenantId, { limit: 1000 });

      expect(after).toHaveLength(before.length);
    });
  });

  describe('item 9: whitespace-only names are refused on PATCH as on POST and PUT', () => {
    it.each(['   ', '\t', '\u00a0'])('refuses userName %j in a PATCH with 400 invalidValue', async (name) => {
      const before = await tenantState();

      const withPath = await scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'userName', value: name }]),
      });
      const pathless = await scim(`${tenant.users}/${user.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', value: { userName: name } }]),
      });

      expectScimError(withPath, 400, 'invalidValue');
      expectScimError(pathless, 400, 'invalidValue');
      expect(await tenantState()).toBe(before);
    });

    it.each([' ', '\u00a0'])('refuses group displayName %j in a PATCH with 400 invalidValue', async (name) => {
      const call = await scim(`${tenant.groups}/${group.id}`, tenant.token, {
        method: 'PATCH',
        body: patchBody([{ op: 'replace', path: 'displayName', value: name }]),
      });

      expectScimError(call, 400, 'invalidValue');
    });
  });

  describe('item 10: the scheme of Location and meta.location is http or https only', () => {
    it.each(['javascript', 'ftp', 'data'])('ignores X-Forwarded-Proto: %s', async (proto) => {
      const call = await scim(tenant.users, tenant.token, {
        method: 'POST',
        body: userBody(),
        headers: { 'X-Forwarded-Proto': proto },
      });

      expect(call.status).toBe(201);
      expect(call.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:/);
      expect((call.body?.meta as { location: string }).location).toMatch(/^http:\/\/127\.0\.0\.1:/);
    });

    it('keeps https from a TLS tunnel', async () => {
      const call = await scim(tenant.users, tenant.token, {
        method: 'POST',
        body: userBody(),
        headers: { 'X-Forwarded-Proto': 'https' },
      });

      expect(call.headers.get('location')).toMatch(/^https:\/\//);
    });
  });

  describe('item 11: invalid UTF-8 in a body', () => {
    it('answers 400 invalidSyntax instead of storing U+FFFD', async () => {
      const before = await tenantState();
      const body = Buffer.concat([
        Buffer.from(`{"schemas":["${USER_URN}"],"userName":"bad`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('@contoso.example"}'),
      ]);

      const response = await raw('/Users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/scim+json' },
        body,
      });
      const call = { status: response.status, body: (await response.json()) as Record<string, unknown> };

      expectScimError(call, 400, 'invalidSyntax');
      expect(await tenantState()).toBe(before);
    });
  });

  describe('item 12: Content-Type of bodies', () => {
    it.each([
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/json; charset=iso-8859-1',
    ])('answers a body sent as %s with 415 and a SCIM error, changing nothing', async (type) => {
      const before = await tenantState();

      const response = await raw('/Users', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: JSON.stringify(userBody()),
      });
      const call = { status: response.status, body: (await response.json()) as Record<string, unknown> };

      expectScimError(call, 415);
      expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(await tenantState()).toBe(before);
    });

    it('answers a body without a Content-Type with 415', async () => {
      const response = await raw('/Users', {
        method: 'POST',
        body: new TextEncoder().encode(JSON.stringify(userBody())),
      });

      expect(response.status).toBe(415);
    });

    it.each([
      'application/scim+json',
      'application/scim+json; charset=utf-8',
      'application/json',
      'Application/JSON; charset="UTF-8"',
    ])('accepts %s (Entra sends application/scim+json)', async (type) => {
      const response = await raw('/Users', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: JSON.stringify(userBody()),
      });

      expect(response.status).toBe(201);
    });

    it('needs no Content-Type for GET and DELETE', async () => {
      const target = await createUser(tenant);

      const get = await raw(`/Users/${target.id}`);
      const deleted = await raw(`/Users/${target.id}`, { method: 'DELETE' });

      expect(get.status).toBe(200);
      expect(deleted.status).toBe(204);
    });
  });

  describe('item 13: every 401 names the Bearer scheme (RFC 6750 §3)', () => {
    it.each([
      ['no token', undefined],
      ['a wrong token', 'scimsk_wrong'],
    ])('answers %s with WWW-Authenticate: Bearer', async (_name, token) => {
      const call = await scim(tenant.users, token);

      expect(call.status).toBe(401);
      expect(call.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    });

    it('answers an unknown tenant the same way', async () => {
      const call = await scim(`${service.baseUrl}/no-such-tenant/Users`, tenant.token);

      expect(call.status).toBe(401);
      expect(call.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    });
  });

  describe('item 2: events always fit one EventBridge entry, and a large one never stops the others', () => {
    const readEvents = (): ChangeEvent[] =>
      existsSync(service.eventsFile)
        ? readFileSync(service.eventsFile, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse((JSON.parse(line) as { Detail: string }).Detail) as ChangeEvent)
        : [];
    const waitFor = async (found: (events: ChangeEvent[]) => boolean) => {
      for (let attempt = 0; attempt < 300 && !found(readEvents()); attempt += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return readEvents();
    };

    it('publishes a 128 KB user replaced by another 128 KB without previous (truncated), and the next change after it', async () => {
      const emails = (tag: string) =>
        Array.from({ length: 63 }, (_unused, index) => ({
          value: `${tag}${index}${'z'.repeat(1990)}@contoso.example`,
          type: 'other',
        }));
      const big = await createUser(tenant, { emails: emails('a') });
      const replaced = await scim(`${tenant.users}/${big.id}`, tenant.token, {
        method: 'PUT',
        body: { ...userBody({ userName: big.userName }), emails: emails('b') },
      });
      const next = await createUser(tenant);

      const events = await waitFor((all) => all.some((event) => event.resourceId === next.id));
      const updated = events.find((event) => event.resourceId === big.id && event.detailType === 'User Updated');

      expect(replaced.status).toBe(200);
      expect(updated?.truncated).toEqual(['previous']);
      expect(updated?.previous).toEqual({});
      expect(updated?.snapshot?.id).toBe(big.id);
      expect(Buffer.byteLength(JSON.stringify(updated), 'utf8')).toBeLessThan(256 * 1024);
      expect(events.some((event) => event.resourceId === next.id && event.detailType === 'User Created')).toBe(true);
    }, 60_000);
  });

  it('creates users and groups as before (a control for the refusals above)', async () => {
    const call = await scim(tenant.groups, tenant.token, {
      method: 'POST',
      body: { schemas: [GROUP_URN], displayName: 'Control' },
    });

    expect(call.status).toBe(201);
  });
});
