import fc from 'fast-check';
import { ScimError } from '../../../lambdas/scim/errors';
import type { Filter } from '../../../lambdas/scim/filter';
import {
  checkFilter,
  evaluateFilter,
  formatFilter,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter,
  planLookup,
} from '../../../lambdas/scim/filter';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../lambdas/scim/schema/attributes';
import { ENTERPRISE_USER_SCHEMA } from '../../../lambdas/scim/schema/urns';
import { scimErrorOf } from '../../support/scim-error';

const alice = {
  id: 'u-1',
  externalId: '00123',
  userName: 'Alice@Contoso.com',
  active: true,
  displayName: 'Alice Smith',
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: [
    { type: 'work', value: 'alice@contoso.com', primary: true },
    { type: 'home', value: 'alice@home.example' },
  ],
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-03-01T10:00:00Z' },
  [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'u-9' } },
};

function matches(text: string, resource: Record<string, unknown> = alice): boolean {
  const filter = parseFilter(text);
  checkFilter(filter, USER_RESOURCE_TYPE);
  return evaluateFilter(filter, resource, USER_RESOURCE_TYPE);
}

describe('parseFilter', () => {
  it('gives and precedence over or, and reads not(…) and parentheses', () => {
    expect(parseFilter('a eq "1" or b eq "2" and c pr')).toEqual({
      kind: 'or',
      left: { kind: 'compare', path: { attribute: 'a' }, op: 'eq', value: '1' },
      right: {
        kind: 'and',
        left: { kind: 'compare', path: { attribute: 'b' }, op: 'eq', value: '2' },
        right: { kind: 'present', path: { attribute: 'c' } },
      },
    });
    expect(parseFilter('not (a eq "1")')).toEqual({
      kind: 'not',
      filter: { kind: 'compare', path: { attribute: 'a' }, op: 'eq', value: '1' },
    });
  });

  it('reads operators and keywords in any case, and URN-prefixed paths', () => {
    expect(parseFilter(`${ENTERPRISE_USER_SCHEMA}:manager.value EQ "u-9"`)).toEqual({
      kind: 'compare',
      path: { schema: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: 'value' },
      op: 'eq',
      value: 'u-9',
    });
  });

  it('keeps unquoted values as written (Entra sends externalId eq 00123)', () => {
    expect(parseFilter('externalId eq 00123')).toMatchObject({ value: 123, unquoted: '00123' });
    expect(parseFilter('externalId eq 5f1c-aa')).toMatchObject({ value: '5f1c-aa' });
    expect(parseFilter('active eq true')).toMatchObject({ value: true });
  });

  it('reads a value path followed by a sub-attribute comparison as one value path', () => {
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: {
        kind: 'and',
        left: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
        right: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: 'a@b.c' },
      },
    });
  });

  it.each([
    ['userName eq', 'expected a value'],
    ['userName "x"', 'expected an operator'],
    ['userName xx "x"', '"xx" is not an operator'],
    ['userName eq "x', 'not closed'],
    ['(userName eq "x"', 'expected ")"'],
    ['userName eq "x" userName', 'unexpected "userName"'],
    ['userName eq "x" and', 'expected an attribute name'],
    ['9lives eq "x"', 'not an attribute path'],
    ['a.b.c eq "x"', 'not an attribute path'],
  ])('rejects %j with invalidFilter naming the problem', (text, problem) => {
    const error = scimErrorOf(() => parseFilter(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain(problem);
  });

  it('bounds length and depth', () => {
    expect(scimErrorOf(() => parseFilter(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`)).message).toContain('limit');
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}a pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(scimErrorOf(() => parseFilter(deep)).message).toContain('deeper');
  });

  it('never throws anything but a 400 ScimError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseFilter(text);
        } catch (error) {
          return error instanceof ScimError && error.status === 400;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('evaluateFilter', () => {
  it.each([
    ['userName eq "alice@contoso.com"', true],
    ['USERNAME eq "ALICE@CONTOSO.COM"', true],
    ['externalId eq "00123"', true],
    ['externalId eq 00123', true],
    ['externalId eq "00124"', false],
    ['displayName co "ice sm"', true],
    ['displayName sw "alice"', true],
    ['displayName ew "smith"', true],
    ['name.givenName eq "alice"', true],
    ['emails[type eq "work" and value eq "alice@contoso.com"]', true],
    ['emails[type eq "home" and value eq "alice@contoso.com"]', false],
    ['emails[type eq "work"].value eq "ALICE@contoso.com"', true],
    ['emails co "home.example"', true],
    ['emails.value ew "@contoso.com"', true],
    ['active eq true', true],
    ['active eq false', false],
    ['title pr', false],
    ['title eq null', true],
    ['title ne "x"', true],
    ['userName ne "alice@contoso.com"', false],
    ['meta.lastModified gt "2026-02-01T00:00:00Z"', true],
    ['meta.lastModified lt "2026-02-01T00:00:00.000+00:00"', false],
    [`${ENTERPRISE_USER_SCHEMA}:department eq "sales"`, true],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value eq "u-9"`, true],
    ['not (active eq true) or userName sw "al"', true],
    ['not (active eq true) and userName sw "al"', false],
  ])('%s → %s', (text, expected) => {
    expect(matches(text)).toBe(expected);
  });

  it.each([
    ['shoeSize eq "42"', 'not an attribute of User'],
    ['active gt true', 'boolean'],
    ['active co "t"', 'applies to strings'],
    ['name eq "x"', 'complex attribute'],
    ['userName gt null', 'only eq and ne'],
    ['emails[kind eq "work"]', 'emails.kind'],
    ['userName[value eq "x"]', 'only complex attributes'],
    ['meta.lastModified gt "yesterday"', 'dateTime'],
  ])('checkFilter rejects %s', (text, problem) => {
    const error = scimErrorOf(() => checkFilter(parseFilter(text), USER_RESOURCE_TYPE));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain(problem);
  });

  it("answers Entra's old reference checks: id eq … and manager eq … / members eq … compare the value", () => {
    const group = { id: 'g-1', displayName: 'Sales', members: [{ value: 'u-1' }] };
    const managerCheck = parseFilter('id eq "u-1" and manager eq "u-9"');
    const memberCheck = parseFilter('id eq "g-1" and members eq "u-1"');
    checkFilter(managerCheck, USER_RESOURCE_TYPE);
    checkFilter(memberCheck, GROUP_RESOURCE_TYPE);

    expect(evaluateFilter(managerCheck, alice, USER_RESOURCE_TYPE)).toBe(true);
    expect(matches('id eq "u-1" and manager eq "u-8"')).toBe(false);
    expect(matches(`id eq "u-1" and ${ENTERPRISE_USER_SCHEMA}:manager eq "u-9"`)).toBe(true);
    expect(evaluateFilter(memberCheck, group, GROUP_RESOURCE_TYPE)).toBe(true);
    expect(evaluateFilter(parseFilter('members eq "u-2"'), group, GROUP_RESOURCE_TYPE)).toBe(false);
  });

  it('evaluates group filters against the group schema', () => {
    const group = { id: 'g-1', displayName: 'Sales', members: [{ value: 'u-1' }] };
    const filter = parseFilter('displayName eq "sales" and members[value eq "u-1"]');
    checkFilter(filter, GROUP_RESOURCE_TYPE);
    expect(evaluateFilter(filter, group, GROUP_RESOURCE_TYPE)).toBe(true);
  });
});

describe('planLookup', () => {
  it.each([
    ['userName eq "Alice"', 'User', { key: 'userName', value: 'Alice' }],
    ['externalId eq 00123', 'User', { key: 'externalId', value: '00123' }],
    ['id eq "u-1"', 'User', { key: 'id', value: 'u-1' }],
    ['active eq true and externalId eq "x" and userName eq "y"', 'User', { key: 'userName', value: 'y' }],
    ['emails[type eq "work"].value eq "a@b.c"', 'User', { key: 'workEmail', value: 'a@b.c' }],
    ['emails[value eq "a@b.c" and type eq "Work"]', 'User', { key: 'workEmail', value: 'a@b.c' }],
    ['displayName eq "Sales"', 'Group', { key: 'displayName', value: 'Sales' }],
    ['displayName eq "Sales"', 'User', undefined],
    ['userName eq "a" or userName eq "b"', 'User', undefined],
    ['userName sw "a"', 'User', undefined],
    ['emails[type eq "home"].value eq "a@b.c"', 'User', undefined],
    ['not (userName eq "a")', 'User', undefined],
  ] as const)('%s on %s → %j', (text, type, expected) => {
    expect(planLookup(parseFilter(text), type)).toEqual(expected);
  });
});

describe('formatFilter round-trips through parseFilter', () => {
  const name = fc.constantFrom('userName', 'displayName', 'title', 'active', 'externalId');
  const path = fc.oneof(
    fc.record({ attribute: name }),
    fc.record({
      attribute: fc.constantFrom('name', 'emails'),
      subAttribute: fc.constantFrom('givenName', 'value', 'type'),
    }),
    fc.record({ schema: fc.constant(ENTERPRISE_USER_SCHEMA), attribute: fc.constantFrom('department', 'manager') }),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.boolean(),
    fc.constant(null),
    fc.integer({ min: -1000, max: 1000 }),
  );
  const leaf = fc.oneof(
    // Literals other than strings are written unquoted, and the parser keeps their text as written.
    fc
      .record({
        kind: fc.constant('compare' as const),
        path,
        op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'),
        value,
      })
      .map((node) => (typeof node.value === 'string' ? node : { ...node, unquoted: JSON.stringify(node.value) })),
    fc.record({ kind: fc.constant('present' as const), path }),
  );
  const filter = fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('node') }),
      fc.record({
        kind: fc.constant('valuePath' as const),
        path: fc.record({ attribute: fc.constant('emails') }),
        filter: leaf.map((inner) => ({ ...inner, path: { attribute: 'type' } })),
      }),
    ),
  })).node;

  it('parses what it formats back to the same tree', () => {
    fc.assert(
      fc.property(filter, (tree) => {
        expect(parseFilter(formatFilter(tree))).toEqual(tree);
      }),
      { numRuns: 1000 },
    );
  });
});
