import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_BODY_BYTES } from '../../lambdas/config';
import { MAX_FILTER_COMPARISONS, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from '../../lambdas/scim/filter';
import { MAX_PATCH_OPERATIONS } from '../../lambdas/scim/patch';
import { MAX_STRING_LENGTH } from '../../lambdas/scim/schema/attributes';
import {
  createGroup,
  createUser,
  ERROR_URN,
  filterUrl,
  useTenant,
  patchBody,
  read,
  userBody,
} from '../support/conformance';
import { scim, useTestService, type ScimCall } from '../support/local-service';
import { ENTERPRISE_USER_SCHEMA } from '../../lambdas/scim/schema/urns';

/**
 * docs/operations.md "Limits": oversized or over-complex requests are refused with a 4xx that names
 * the limit, never a 5xx, and change nothing.
 */
describe('limits: oversized and over-complex requests', () => {
  const service = useTestService();
  const tenant = useTenant(service, 'limit');
  let user: Record<string, any>;
  let group: Record<string, any>;

  beforeAll(async () => {
    user = await createUser(tenant);
    group = await createGroup(tenant);
  }, 30_000);

  /** What must not move: the user's and group's versions and the tenant's counts. */
  const state = async () => ({
    user: (await read(tenant, `${tenant.users}/${user.id}`)).meta.version as string,
    group: (await read(tenant, `${tenant.groups}/${group.id}?excludedAttributes=members`)).meta.version as string,
    users: (await scim(`${tenant.users}?count=0`, tenant.token)).body?.totalResults,
    groups: (await scim(`${tenant.groups}?count=0`, tenant.token)).body?.totalResults,
  });

  const expectScimError = (response: ScimCall, status: number, scimType?: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(response.body).toMatchObject({
      schemas: [ERROR_URN],
      status: String(status),
      ...(scimType ? { scimType } : {}),
    });
  };

  const deepFilter = (depth: number) => `${'('.repeat(depth)}userName eq "x"${')'.repeat(depth)}`;
  const manyComparisons = (count: number) =>
    Array.from({ length: count }, (_unused, index) => `userName eq "u${index}"`).join(' or ');

  it.each([
    [
      'a body one byte over MAX_BODY_BYTES',
      'POST',
      () => `${tenant.users}`,
      () => JSON.stringify({ ...userBody(), title: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }),
    ],
    [
      'a PATCH body over MAX_BODY_BYTES',
      'PATCH',
      () => `${tenant.groups}/${group.id}`,
      () =>
        JSON.stringify(
          patchBody([
            { op: 'add', path: 'members', value: Array.from({ length: 30_000 }, () => ({ value: randomUUID() })) },
          ]),
        ),
    ],
    ["a body over API Gateway's 10 MB", 'PUT', () => `${tenant.users}/${user.id}`, () => 'x'.repeat(11 * 1024 * 1024)],
  ])(
    'answers %s with 413 and changes nothing',
    async (_name, method, url, body) => {
      const before = await state();

      const response = await scim(url(), tenant.token, { method, body: body() });

      expectScimError(response, 413);
      expect(await state()).toEqual(before);
    },
    30_000,
  );

  /** PATCHes the user with `count` replacements of its title, `T0` to `T<count - 1>`. */
  const patchTitle = (count: number) =>
    scim(`${tenant.users}/${user.id}`, tenant.token, {
      method: 'PATCH',
      body: patchBody(
        Array.from({ length: count }, (_unused, index) => ({ op: 'replace', path: 'title', value: `T${index}` })),
      ),
    });

  it(`answers a PATCH of ${MAX_PATCH_OPERATIONS + 1} operations with 400 naming the limit, and applies none of them`, async () => {
    const before = await state();

    const response = await patchTitle(MAX_PATCH_OPERATIONS + 1);

    expectScimError(response, 400);
    expect(String(response.body?.detail)).toContain(String(MAX_PATCH_OPERATIONS));
    expect(await state()).toEqual(before);
  });

  it(`accepts a PATCH of exactly ${MAX_PATCH_OPERATIONS} operations (the limit is not off by one)`, async () => {
    const response = await patchTitle(MAX_PATCH_OPERATIONS);

    expect(response.status).toBe(200);
    expect(response.body?.title).toBe(`T${MAX_PATCH_OPERATIONS - 1}`);
    user = await read(tenant, `${tenant.users}/${user.id}`);
  });

  it.each([
    [`nested ${MAX_FILTER_DEPTH + 1} levels deep`, () => deepFilter(MAX_FILTER_DEPTH + 1)],
    ['nested 2,000 levels deep (no stack overflow)', () => deepFilter(2_000)],
    ['of 2,000 nested nots', () => `${'not ('.repeat(2_000)}userName eq "x"${')'.repeat(2_000)}`],
    [`of ${MAX_FILTER_COMPARISONS + 1} comparisons`, () => manyComparisons(MAX_FILTER_COMPARISONS + 1)],
    [`longer than ${MAX_FILTER_LENGTH} characters`, () => `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`],
    ['of 1,000 unclosed brackets', () => `emails${'['.repeat(1_000)}`],
  ])('answers a filter %s with 400 invalidFilter', async (_name, filter) => {
    const responses = await Promise.all([
      scim(filterUrl(tenant.users, filter()), tenant.token),
      scim(filterUrl(tenant.groups, filter()), tenant.token),
    ]);

    for (const response of responses) expectScimError(response, 400, 'invalidFilter');
  });

  it('answers a PATCH path with a deeply nested value filter with 400 and changes nothing', async () => {
    const before = await state();

    const response = await scim(`${tenant.users}/${user.id}`, tenant.token, {
      method: 'PATCH',
      body: patchBody([{ op: 'replace', path: `emails[${deepFilter(2_000)}].value`, value: 'x@y.example' }]),
    });

    expect(response.status).toBe(400);
    expect(await state()).toEqual(before);
  });

  it.each([
    ['userName', () => ({ userName: `${'a'.repeat(MAX_STRING_LENGTH)}@x.example` })],
    ['displayName', () => ({ displayName: 'd'.repeat(MAX_STRING_LENGTH + 1) })],
    ['name.givenName', () => ({ name: { givenName: 'g'.repeat(100_000) } })],
    [
      'an email value',
      () => ({ emails: [{ type: 'work', value: `${'e'.repeat(MAX_STRING_LENGTH)}@x.example`, primary: true }] }),
    ],
    [
      'the enterprise department',
      () => ({ [ENTERPRISE_USER_SCHEMA]: { department: 'd'.repeat(MAX_STRING_LENGTH + 1) } }),
    ],
  ])('answers a create whose %s is longer than the limit with 400, and creates nothing', async (_name, overrides) => {
    const before = await state();

    const response = await scim(tenant.users, tenant.token, { method: 'POST', body: userBody(overrides()) });

    expectScimError(response, 400);
    expect(await state()).toEqual(before);
  });

  it.each([
    [
      'PATCH replace of a user title',
      () => `${tenant.users}/${user.id}`,
      'PATCH',
      () => patchBody([{ op: 'replace', path: 'title', value: 't'.repeat(MAX_STRING_LENGTH + 1) }]),
    ],
    [
      'PATCH replace of a group displayName',
      () => `${tenant.groups}/${group.id}`,
      'PATCH',
      () => patchBody([{ op: 'replace', path: 'displayName', value: 'g'.repeat(MAX_STRING_LENGTH + 1) }]),
    ],
    [
      'PUT of a user with a long externalId',
      () => `${tenant.users}/${user.id}`,
      'PUT',
      () => ({ ...userBody({ userName: user.userName }), externalId: 'x'.repeat(MAX_STRING_LENGTH + 1) }),
    ],
    [
      'POST of a group with a long displayName',
      () => tenant.groups,
      'POST',
      () => ({ displayName: 'g'.repeat(MAX_STRING_LENGTH + 1) }),
    ],
  ])('answers a %s over the string limit with 400, and changes nothing', async (_name, url, method, body) => {
    const before = await state();

    const response = await scim(url(), tenant.token, { method, body: body() });

    expectScimError(response, 400);
    expect(await state()).toEqual(before);
  });

  // DynamoDB keys are limited to 1,024 bytes (sort) and 2,048 bytes (partition): values from the client
  // that end up in a key must be refused as the client's error, not fail as a 500.
  it.each([
    ['GET /Users/<1,100-character id>', () => `${tenant.users}/${'i'.repeat(1_100)}`, 'GET'],
    ['GET /Groups/<10,000-character id>', () => `${tenant.groups}/${'i'.repeat(10_000)}`, 'GET'],
    ['DELETE /Users/<3,000-character id>', () => `${tenant.users}/${'i'.repeat(3_000)}`, 'DELETE'],
    ['DELETE /Groups/<3,000-character id>', () => `${tenant.groups}/${'i'.repeat(3_000)}`, 'DELETE'],
    [
      "filter userName eq <3,000 characters> (Entra's match)",
      () => filterUrl(tenant.users, `userName eq "${'u'.repeat(3_000)}"`),
      'GET',
    ],
    ['filter id eq <3,000 characters> on users', () => filterUrl(tenant.users, `id eq "${'u'.repeat(3_000)}"`), 'GET'],
    [
      'filter id eq <3,000 characters> on groups',
      () => filterUrl(tenant.groups, `id eq "${'u'.repeat(3_000)}"`),
      'GET',
    ],
    [
      'filter externalId eq <3,000 characters>',
      () => filterUrl(tenant.users, `externalId eq "${'u'.repeat(3_000)}"`),
      'GET',
    ],
  ])('answers %s with a SCIM 4xx, not a 5xx', async (_name, url, method) => {
    const response = await scim(url(), tenant.token, { method });

    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  });

  it.each([
    [
      'a userName of 1,500 characters (within the 2,048-character limit, past the 1,024-byte key limit)',
      () => ({ userName: `${'a'.repeat(1_500)}@x.example` }),
      400,
    ],
    [
      'an externalId of 2,040 characters (its index key passes 2,048 bytes)',
      () => ({ externalId: 'x'.repeat(2_040) }),
      400,
    ],
    [
      'a work email of 1,500 characters (its index key stays under 2,048 bytes)',
      () => ({ emails: [{ type: 'work', value: `${'e'.repeat(1_500)}@x.example`, primary: true }] }),
      201,
    ],
  ])('answers a create with %s with %s, never a 5xx, and keeps the count right', async (_name, overrides, status) => {
    const before = await state();

    const response = await scim(tenant.users, tenant.token, { method: 'POST', body: userBody(overrides()) });

    expect(response.status).toBe(status);
    if (status === 400) expect(response.body).toMatchObject({ scimType: 'invalidValue' });
    expect((await state()).users).toBe(Number(before.users) + (status === 201 ? 1 : 0));
  });
});
