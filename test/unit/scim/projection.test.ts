import { parseAttributeList, projectResource, wantsAttribute } from '../../../lambdas/scim/resources/projection';
import { scimErrorOf } from '../../support/scim-error';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../lambdas/scim/schema/attributes';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../lambdas/scim/schema/urns';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;
const meta = {
  resourceType: 'User',
  created: '2026-01-01T00:00:00Z',
  lastModified: '2026-01-02T00:00:00Z',
  version: 'W/"3"',
  location: 'https://h/scim/v2/acme/Users/u-1',
};

const alice = {
  schemas: [USER_SCHEMA, ENTERPRISE],
  id: 'u-1',
  externalId: 'ext-1',
  userName: 'alice@contoso.example',
  name: { givenName: 'Alice', familyName: 'Smith' },
  displayName: 'Alice Smith',
  active: true,
  password: 'should-never-show',
  emails: [
    { type: 'work', value: 'alice@contoso.example', primary: true },
    { type: 'home', value: 'alice@home.example' },
  ],
  [ENTERPRISE]: { department: 'Sales', employeeNumber: '42', manager: { value: 'u-9', displayName: 'Boss' } },
  meta,
};

const sales = {
  schemas: [GROUP_SCHEMA],
  id: 'g-1',
  displayName: 'Sales',
  members: [{ value: 'u-1', display: 'Alice' }],
  meta: { ...meta, resourceType: 'Group' },
};

describe('parseAttributeList (RFC 7644 §3.9, §3.10 notation)', () => {
  it.each([
    ['userName', [{ attribute: 'userName' }]],
    ['USERNAME, Name.GivenName', [{ attribute: 'userName' }, { attribute: 'name', subAttribute: 'givenName' }]],
    ['emails.value,  displayName ,', [{ attribute: 'emails', subAttribute: 'value' }, { attribute: 'displayName' }]],
    [`${ENTERPRISE}:department`, [{ extension: ENTERPRISE, attribute: 'department' }]],
    [
      `${ENTERPRISE.toLowerCase()}:Manager.value`,
      [{ extension: ENTERPRISE, attribute: 'manager', subAttribute: 'value' }],
    ],
    [ENTERPRISE, [{ extension: ENTERPRISE }]],
    [`${USER_SCHEMA}:name.familyName`, [{ attribute: 'name', subAttribute: 'familyName' }]],
    ['id,meta.version', [{ attribute: 'id' }, { attribute: 'meta', subAttribute: 'version' }]],
    ['noSuchAttribute,name.noSuchSub,urn:example:custom:2.0:User:x,a.b.c,members', []],
    ['', []],
  ])('reads %j', (text, expected) => {
    const selectors = parseAttributeList(text, USER_RESOURCE_TYPE);

    expect(selectors).toEqual(expected);
  });

  it('reads nothing from an absent parameter', () => {
    const selectors = parseAttributeList(undefined, USER_RESOURCE_TYPE);

    expect(selectors).toEqual([]);
  });
});

describe('projectResource: attributes= (RFC 7644 §3.4.2.5)', () => {
  it.each([
    ['userName', { schemas: [USER_SCHEMA], id: 'u-1', userName: 'alice@contoso.example', meta }],
    ['name.givenName', { schemas: [USER_SCHEMA], id: 'u-1', name: { givenName: 'Alice' }, meta }],
    [
      'emails.value',
      {
        schemas: [USER_SCHEMA],
        id: 'u-1',
        emails: [{ value: 'alice@contoso.example' }, { value: 'alice@home.example' }],
        meta,
      },
    ],
    ['emails.type,emails', { schemas: [USER_SCHEMA], id: 'u-1', emails: alice.emails, meta }],
    [
      `${ENTERPRISE}:department`,
      { schemas: [USER_SCHEMA, ENTERPRISE], id: 'u-1', [ENTERPRISE]: { department: 'Sales' }, meta },
    ],
    [
      `${ENTERPRISE}:manager.value,userName`,
      {
        schemas: [USER_SCHEMA, ENTERPRISE],
        id: 'u-1',
        userName: 'alice@contoso.example',
        [ENTERPRISE]: { manager: { value: 'u-9' } },
        meta,
      },
    ],
    [ENTERPRISE, { schemas: [USER_SCHEMA, ENTERPRISE], id: 'u-1', [ENTERPRISE]: alice[ENTERPRISE], meta }],
    ['password', { schemas: [USER_SCHEMA], id: 'u-1', meta }],
    ['nickName', { schemas: [USER_SCHEMA], id: 'u-1', meta }],
    ['noSuchAttribute', { schemas: [USER_SCHEMA], id: 'u-1', meta }],
  ])('attributes=%s', (attributes, expected) => {
    const projected = projectResource(alice, USER_RESOURCE_TYPE, { attributes });

    expect(projected).toEqual(expected);
  });

  it('lets attributes win over excludedAttributes when both are given', () => {
    const projected = projectResource(alice, USER_RESOURCE_TYPE, {
      attributes: 'userName',
      excludedAttributes: 'userName',
    });

    expect(projected).toEqual({ schemas: [USER_SCHEMA], id: 'u-1', userName: 'alice@contoso.example', meta });
  });

  it('does not change its input', () => {
    const before = structuredClone(alice);

    projectResource(alice, USER_RESOURCE_TYPE, { attributes: 'emails.value' });
    projectResource(alice, USER_RESOURCE_TYPE, { excludedAttributes: 'emails.value' });

    expect(alice).toEqual(before);
  });
});

describe('projectResource: excludedAttributes=', () => {
  const { password: _password, ...shown } = alice;

  it.each([
    [undefined, shown],
    ['', shown],
    ['displayName, name', (({ displayName: _d, name: _n, ...rest }) => rest)(shown)],
    [
      'emails.primary',
      {
        ...shown,
        emails: [
          { type: 'work', value: 'alice@contoso.example' },
          { type: 'home', value: 'alice@home.example' },
        ],
      },
    ],
    ['emails.type,emails.value,emails.primary', (({ emails: _e, ...rest }) => rest)(shown)],
    ['id,meta,schemas', shown],
    [
      `${ENTERPRISE}:department`,
      { ...shown, [ENTERPRISE]: { employeeNumber: '42', manager: { value: 'u-9', displayName: 'Boss' } } },
    ],
    [
      `${ENTERPRISE}:department,${ENTERPRISE}:employeeNumber,${ENTERPRISE}:manager`,
      { ...(({ [ENTERPRISE]: _x, ...rest }) => rest)(shown), schemas: [USER_SCHEMA] },
    ],
    [ENTERPRISE, { ...(({ [ENTERPRISE]: _x, ...rest }) => rest)(shown), schemas: [USER_SCHEMA] }],
    ['members,noSuchAttribute', shown],
  ])('excludedAttributes=%s', (excludedAttributes, expected) => {
    const projected = projectResource(alice, USER_RESOURCE_TYPE, { excludedAttributes });

    expect(projected).toEqual(expected);
  });

  it("drops members from a group for Entra's excludedAttributes=members (entra README §3)", () => {
    const projected = projectResource(sales, GROUP_RESOURCE_TYPE, { excludedAttributes: 'members' });

    expect(projected).toEqual({ schemas: [GROUP_SCHEMA], id: 'g-1', displayName: 'Sales', meta: sales.meta });
  });
});

describe("wantsAttribute: whether the store must read a group's members", () => {
  it.each([
    [{}, true],
    [{ excludedAttributes: 'members' }, false],
    [{ excludedAttributes: 'MEMBERS' }, false],
    [{ excludedAttributes: 'members.display' }, true],
    [{ excludedAttributes: 'displayName' }, true],
    [{ attributes: 'displayName' }, false],
    [{ attributes: 'members.value' }, true],
    [{ attributes: `${GROUP_SCHEMA}:members` }, true],
    [{ attributes: 'displayName', excludedAttributes: 'displayName' }, false],
    [{ attributes: 'members', excludedAttributes: 'members' }, true],
  ])('%j → %s', (query, expected) => {
    const wanted = wantsAttribute(query, GROUP_RESOURCE_TYPE, 'members');

    expect(wanted).toBe(expected);
  });

  it('never wants password, always wants id, and reads extension attributes under their URN', () => {
    const password = wantsAttribute({ attributes: 'password' }, USER_RESOURCE_TYPE, 'password');
    const id = wantsAttribute({ excludedAttributes: 'id' }, USER_RESOURCE_TYPE, 'id');
    const department = wantsAttribute({ excludedAttributes: ENTERPRISE }, USER_RESOURCE_TYPE, 'department', ENTERPRISE);

    expect(password).toBe(false);
    expect(id).toBe(true);
    expect(department).toBe(false);
  });
});

describe("projectResource: a value filter names the matching values only (as Microsoft's reference server)", () => {
  const bob = {
    ...alice,
    emails: [
      { type: 'work', value: 'bob@contoso.example', primary: true, display: 'Bob at work' },
      { type: 'home', value: 'bob@home.example' },
      { type: 'work', value: 'bob.second@contoso.example' },
    ],
  };

  it.each([
    ['emails[type eq "work"]', { emails: [bob.emails[0], bob.emails[2]] }],
    [
      'emails[type eq "work"].value',
      { emails: [{ value: 'bob@contoso.example' }, { value: 'bob.second@contoso.example' }] },
    ],
    ['emails[value eq "bob@home.example"]', { emails: [bob.emails[1]] }],
    ['EMAILS[TYPE EQ "WORK" and primary eq true]', { emails: [bob.emails[0]] }],
    ['emails[value co ","]', {}],
    [
      'emails[type eq "work"].value,emails[type eq "home"]',
      { emails: [{ value: 'bob@contoso.example' }, bob.emails[1], { value: 'bob.second@contoso.example' }] },
    ],
    ['emails[type eq "work"],emails', { emails: bob.emails }],
    ['userName,emails[type eq "other"]', { userName: alice.userName }],
  ])('attributes=%s', (attributes, expected) => {
    const projected = projectResource(bob, USER_RESOURCE_TYPE, { attributes });

    expect(projected).toEqual({ schemas: [USER_SCHEMA], id: 'u-1', meta, ...expected });
  });

  it.each([
    ['emails[type eq "work"]', [bob.emails[1]]],
    [
      'emails[type eq "work"].display',
      [{ type: 'work', value: 'bob@contoso.example', primary: true }, bob.emails[1], bob.emails[2]],
    ],
  ])(
    'excludedAttributes=%s hides the matching values (or their named sub-attributes) and keeps the rest',
    (excludedAttributes, emails) => {
      const projected = projectResource(bob, USER_RESOURCE_TYPE, { excludedAttributes });

      expect(projected.emails).toEqual(emails);
      expect(projected.userName).toBe(alice.userName);
    },
  );

  it('keeps commas inside a quoted filter value within one entry', () => {
    const selectors = parseAttributeList('emails[value eq "a,b"],userName', USER_RESOURCE_TYPE);

    expect(selectors).toEqual([
      { attribute: 'emails', valueFilter: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: 'a,b' } },
      { attribute: 'userName' },
    ]);
  });

  it('filters group members by value, and still reads them from the store', () => {
    const group = {
      ...sales,
      members: [
        { value: 'u-1', display: 'Alice' },
        { value: 'u-2', display: 'Bob' },
      ],
    };

    const projected = projectResource(group, GROUP_RESOURCE_TYPE, { attributes: 'members[value eq "u-2"]' });

    expect(projected.members).toEqual([{ value: 'u-2', display: 'Bob' }]);
    expect(wantsAttribute({ attributes: 'members[value eq "u-2"]' }, GROUP_RESOURCE_TYPE, 'members')).toBe(true);
    expect(wantsAttribute({ excludedAttributes: 'members[value eq "u-2"]' }, GROUP_RESOURCE_TYPE, 'members')).toBe(
      true,
    );
  });
});

describe('a value filter that does not parse is 400 invalidValue, never an emptied attribute', () => {
  it.each([
    ['emails[type eq "work"', 'is missing `]`'],
    ['emails[type eq "work"]x', 'after `]`'],
    ['emails]', '`]` without `[`'],
    ['emails[]', 'invalid value filter'],
    ['emails[type eq]', 'invalid value filter'],
    ['emails[type eq "work" and]', 'invalid value filter'],
    ['emails[kind eq "work"]', 'kind'],
    ['userName[value eq "x"]', 'not a multi-valued complex attribute'],
    ['name[givenName eq "x"]', 'not a multi-valued complex attribute'],
    ['noSuchAttribute[type eq ]', 'invalid value filter'],
  ])('%s', (text, detail) => {
    for (const [parameter, query] of [
      ['attributes', { attributes: text }],
      ['excludedAttributes', { excludedAttributes: text }],
    ] as const) {
      const error = scimErrorOf(() => projectResource(alice, USER_RESOURCE_TYPE, query));

      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(error.detail).toContain(parameter);
      expect(error.detail).toContain(detail);
    }
  });

  it('ignores a well-formed value filter on an attribute the resource type does not have, like any unknown name', () => {
    const projected = projectResource(alice, USER_RESOURCE_TYPE, {
      attributes: 'userName,noSuchAttribute[type eq "x"]',
    });

    expect(projected).toEqual({ schemas: [USER_SCHEMA], id: 'u-1', userName: alice.userName, meta });
  });
});
