import {
  MAX_RESOURCE_BYTES,
  MAX_VALUES_PER_ATTRIBUTE,
  normalizeResource,
} from '../../../lambdas/scim/resources/normalize';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../lambdas/scim/schema/attributes';
import {
  ENTERPRISE_USER_SCHEMA,
  ENTRA_ADSCIM_GROUP_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
} from '../../../lambdas/scim/schema/urns';
import entraCreateUser from '../../fixtures/entra/create-user.json';
import { scimErrorOf } from '../../support/scim-error';

describe('resource bodies as Entra sends them', () => {
  it("keeps Entra's create body, drops meta and the empty roles list", () => {
    const stored = normalizeResource(entraCreateUser, USER_RESOURCE_TYPE);

    expect(stored.userName).toBe('alice@contoso.example');
    expect(stored.meta).toBeUndefined();
    expect(stored.roles).toBeUndefined();
    expect(stored[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '701984', department: 'Design' });
    expect(stored.phoneNumbers).toEqual(entraCreateUser.phoneNumbers);
  });

  it('canonicalises attribute names case-insensitively (RFC 7643 §2.1)', () => {
    const stored = normalizeResource({ USERNAME: 'a@b.c', Name: { GivenName: 'A' } }, USER_RESOURCE_TYPE);

    expect(stored).toEqual({ userName: 'a@b.c', name: { givenName: 'A' } });
  });

  it('reads "True"/"False" as booleans in any letter case (quirk 2)', () => {
    const stored = normalizeResource(
      { userName: 'a@b.c', active: 'TRUE', emails: [{ value: 'a@b.c', primary: 'False' }] },
      USER_RESOURCE_TYPE,
    );

    expect(stored.active).toBe(true);
    expect(stored.emails).toEqual([{ value: 'a@b.c', primary: false }]);
  });

  it('treats null and empty strings as absent (quirk 12)', () => {
    const stored = normalizeResource(
      { userName: 'a@b.c', title: null, nickName: '', addresses: null },
      USER_RESOURCE_TYPE,
    );

    expect(stored).toEqual({ userName: 'a@b.c' });
  });

  it('accepts a flat URN-qualified extension key', () => {
    const stored = normalizeResource(
      { userName: 'a@b.c', [`${ENTERPRISE_USER_SCHEMA}:department`]: 'Sales' },
      USER_RESOURCE_TYPE,
    );

    expect(stored[ENTERPRISE_USER_SCHEMA]).toEqual({ department: 'Sales' });
  });

  it("ignores Entra's ADSCIM group URN in schemas (quirk 11)", () => {
    const stored = normalizeResource(
      { schemas: [GROUP_SCHEMA, ENTRA_ADSCIM_GROUP_SCHEMA], displayName: 'Sales', externalId: 'g1' },
      GROUP_RESOURCE_TYPE,
    );

    expect(stored).toEqual({ displayName: 'Sales', externalId: 'g1' });
  });
});

describe('bad resource bodies', () => {
  it.each([
    ['userName missing', { schemas: [USER_SCHEMA] }, 'invalidValue', /userName is required/],
    ['schemas without the User schema', { schemas: [GROUP_SCHEMA], userName: 'a' }, 'invalidValue', /must include/],
    ['a boolean that is not one', { userName: 'a', active: 'yes' }, 'invalidValue', /active must be a boolean/],
    [
      'a string that is too long',
      { userName: 'a', title: 'x'.repeat(5000) },
      'invalidValue',
      /title is 5000 characters long/,
    ],
    [
      'a complex attribute given as a string',
      { userName: 'a', name: 'Alice' },
      'invalidValue',
      /name must be an object/,
    ],
    ['an array body', [], 'invalidSyntax', /JSON object/],
  ])('refuses %s with a 400 naming the attribute', (_name, body, scimType, detail) => {
    const error = scimErrorOf(() => normalizeResource(body, USER_RESOURCE_TYPE));

    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
    expect(error.detail).toMatch(detail);
  });
});

describe('normalizeResource: text that is not a name', () => {
  it.each([
    ['a whitespace-only userName', { userName: '   ' }, 'userName is required'],
    ['a lone surrogate', { userName: 'ada\uD800@x.example' }, 'lone surrogate'],
  ])('refuses %s with 400 invalidValue', (_case, body, detail) => {
    let caught: unknown;
    try {
      normalizeResource(body, USER_RESOURCE_TYPE);
    } catch (error) {
      caught = error;
    }

    expect(caught).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect((caught as Error).message).toContain(detail);
  });
});

describe('resource bounds (issue 16 items 2, 5 and 6)', () => {
  const emails = (count: number) =>
    Array.from({ length: count }, (_unused, index) => ({ value: `e${index}@contoso.example`, type: 'other' }));

  it(`refuses more than MAX_VALUES_PER_ATTRIBUTE (${MAX_VALUES_PER_ATTRIBUTE}) values of one attribute with 400 invalidValue naming it`, () => {
    const error = scimErrorOf(() =>
      normalizeResource({ userName: 'alice', emails: emails(MAX_VALUES_PER_ATTRIBUTE + 1) }, USER_RESOURCE_TYPE),
    );

    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toBe(
      `emails has ${MAX_VALUES_PER_ATTRIBUTE + 1} values; the limit is ${MAX_VALUES_PER_ATTRIBUTE} per attribute.`,
    );
  });

  it('accepts exactly MAX_VALUES_PER_ATTRIBUTE values', () => {
    expect(
      (
        normalizeResource({ userName: 'alice', emails: emails(MAX_VALUES_PER_ATTRIBUTE) }, USER_RESOURCE_TYPE)
          .emails as unknown[]
      ).length,
    ).toBe(MAX_VALUES_PER_ATTRIBUTE);
  });

  it('does not bound group members, which are items of their own (a group may have 100,000)', () => {
    const members = Array.from({ length: 5_000 }, (_unused, index) => ({
      value: `${String(index).padStart(8, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
    }));

    const group = normalizeResource({ displayName: 'All Users', members }, GROUP_RESOURCE_TYPE);

    expect((group.members as unknown[]).length).toBe(5_000);
  });

  it(`refuses a resource over MAX_RESOURCE_BYTES (${MAX_RESOURCE_BYTES}) of JSON`, () => {
    const title = 't'.repeat(2000);
    const body = {
      userName: 'alice',
      roles: Array.from({ length: 70 }, (_unused, index) => ({ value: `${index}${title}` })),
    };

    const error = scimErrorOf(() => normalizeResource(body, USER_RESOURCE_TYPE));

    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toMatch(new RegExp(`the limit is ${MAX_RESOURCE_BYTES} bytes per resource`));
  });

  it('describes a wrong-typed value by type and length only, never by its content', () => {
    const error = scimErrorOf(() =>
      normalizeResource({ userName: 'alice', title: ['P4ssw0rd-LEAK'] }, USER_RESOURCE_TYPE),
    );

    expect(error.detail).toBe('title must be a string, got an array of 1 item.');
  });
});
