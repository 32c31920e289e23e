import fc from 'fast-check';
import { ScimError } from '../../../lambdas/scim/errors';
import {
  applyPatch,
  MAX_PATCH_FILTER_COMPARISONS,
  MAX_PATCH_OPERATIONS,
  parsePatchRequest,
  type MemberDelta,
  type PatchResult,
} from '../../../lambdas/scim/patch';
import { MAX_VALUES_PER_ATTRIBUTE, type ScimObject } from '../../../lambdas/scim/resources/normalize';
import {
  MAX_STRING_LENGTH,
  RESOURCE_TYPES,
  USER_RESOURCE_TYPE,
  type ResourceTypeName,
} from '../../../lambdas/scim/schema/attributes';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP } from '../../../lambdas/scim/schema/urns';
import errorCases from '../../fixtures/patch/errors.json';
import groupCases from '../../fixtures/patch/groups.json';
import userCases from '../../fixtures/patch/users.json';
import { scimErrorOf } from '../../support/scim-error';

interface PatchCase {
  readonly name: string;
  readonly resourceType: string;
  readonly before: ScimObject;
  /** The PatchOp body, or just its Operations list. */
  readonly operations: unknown;
  readonly after: ScimObject;
  readonly changed?: readonly string[];
  readonly members?: MemberDelta;
}

interface ErrorCase {
  readonly name: string;
  readonly resourceType: string;
  readonly before: ScimObject;
  readonly body: unknown;
  readonly status: number;
  readonly scimType: string;
  readonly detailContains: string;
}

function bodyOf(operations: unknown): unknown {
  return Array.isArray(operations) ? { schemas: [PATCH_OP], Operations: operations } : operations;
}

function patch(before: ScimObject, body: unknown, resourceType: string = 'User'): PatchResult {
  const type = RESOURCE_TYPES[resourceType as ResourceTypeName];
  return applyPatch(before, parsePatchRequest(body, type), type);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe.each([
  ['PATCH Users', userCases as PatchCase[]],
  ['PATCH Groups', groupCases as PatchCase[]],
])('%s (test/fixtures/patch)', (_title, cases) => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const before = deepFreeze(structuredClone(testCase.before));

    const result = patch(before, bodyOf(testCase.operations), testCase.resourceType);

    expect(result.data).toEqual(testCase.after);
    expect(before).toEqual(testCase.before);
    if (testCase.changed) expect(result.changed).toEqual(testCase.changed);
    expect(result.members).toEqual(testCase.members);
  });
});

describe('PATCH errors (test/fixtures/patch/errors.json)', () => {
  it.each((errorCases as ErrorCase[]).map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    (_name, testCase) => {
      const before = deepFreeze(structuredClone(testCase.before));

      const error = scimErrorOf(() => patch(before, testCase.body, testCase.resourceType));

      expect({ status: error.status, scimType: error.scimType }).toEqual({
        status: testCase.status,
        scimType: testCase.scimType,
      });
      expect(error.detail).toContain(testCase.detailContains);
    },
  );
});

describe('PATCH limits and guarantees', () => {
  const alice = { userName: 'alice@contoso.example', title: 'Engineer' };

  it('rejects an over-long string, naming the operation and the attribute', () => {
    const body = bodyOf([
      { op: 'add', path: 'nickName', value: 'x' },
      { op: 'replace', path: 'title', value: 'x'.repeat(MAX_STRING_LENGTH + 1) },
    ]);

    const error = scimErrorOf(() => patch(alice, body));

    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('Operations[1]: title');
  });

  it(`accepts ${MAX_PATCH_OPERATIONS} operations and rejects one more with a detail naming the limit`, () => {
    const ops = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ op: 'add', path: 'members', value: [{ value: `u-${index}` }] }));

    const accepted = patch({ displayName: 'Sales' }, bodyOf(ops(MAX_PATCH_OPERATIONS)), 'Group');
    const error = scimErrorOf(() => patch({ displayName: 'Sales' }, bodyOf(ops(MAX_PATCH_OPERATIONS + 1)), 'Group'));

    expect(accepted.members?.add).toHaveLength(MAX_PATCH_OPERATIONS);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain(`limit is ${MAX_PATCH_OPERATIONS}`);
  });

  it(`stops at the operation that grows an attribute past ${MAX_VALUES_PER_ATTRIBUTE} values, applying none after it`, () => {
    const body = bodyOf(
      Array.from({ length: MAX_PATCH_OPERATIONS }, (_unused, index) => ({
        op: 'add',
        path: 'emails',
        value: [{ value: `e${index}@contoso.example` }],
      })),
    );
    const read = new Set<number>();
    // Each operation's value is read once, when it is applied: the set counts the operations applied.
    const operations = parsePatchRequest(body, USER_RESOURCE_TYPE).map((operation) =>
      Object.defineProperty({ ...operation }, 'value', {
        enumerable: true,
        get: () => {
          read.add(operation.index);
          return operation.value;
        },
      }),
    );

    const error = scimErrorOf(() => applyPatch(alice, operations, USER_RESOURCE_TYPE));

    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toBe(
      `Operations[${MAX_VALUES_PER_ATTRIBUTE}]: emails would hold ${MAX_VALUES_PER_ATTRIBUTE + 1} values; the limit is ${MAX_VALUES_PER_ATTRIBUTE} per attribute.`,
    );
    expect(read.size).toBe(MAX_VALUES_PER_ATTRIBUTE + 1);
  });

  it(`accepts value filters of ${MAX_PATCH_FILTER_COMPARISONS} comparisons in all and refuses one more before applying any`, () => {
    const filtered = (count: number, comparisons: number) =>
      Array.from({ length: count }, (_unused, op) => ({
        op: 'replace',
        path: `emails[${Array.from({ length: comparisons }, (_u, index) => `value eq "v${op}-${index}"`).join(' or ')}].type`,
        value: 'work',
      }));
    const atLimit = bodyOf(filtered(MAX_PATCH_FILTER_COMPARISONS / 100, 100));
    const past = bodyOf([...filtered(MAX_PATCH_FILTER_COMPARISONS / 100, 100), ...filtered(1, 1)]);

    const accepted = parsePatchRequest(atLimit, USER_RESOURCE_TYPE);
    const error = scimErrorOf(() => parsePatchRequest(past, USER_RESOURCE_TYPE));

    expect(accepted).toHaveLength(MAX_PATCH_FILTER_COMPARISONS / 100);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain(
      `Operations[${MAX_PATCH_FILTER_COMPARISONS / 100}]: the value filters of the paths up to here hold ${MAX_PATCH_FILTER_COMPARISONS + 1} comparisons; the limit is ${MAX_PATCH_FILTER_COMPARISONS}`,
    );
  });

  it('does not count members filters, which only name ids (Entra removes members one filter per operation)', () => {
    const body = bodyOf(
      Array.from({ length: MAX_PATCH_OPERATIONS }, (_unused, op) => ({
        op: 'remove',
        path: `members[value eq "a${op}" or value eq "b${op}"]`,
      })),
    );

    const result = patch({ displayName: 'Sales' }, body, 'Group');

    expect(result.members?.remove).toHaveLength(2 * MAX_PATCH_OPERATIONS);
  });

  it('is all or nothing: a bad last operation leaves no trace and returns nothing', () => {
    const before = deepFreeze({ userName: 'alice@contoso.example', title: 'Engineer' });
    const body = bodyOf([
      { op: 'replace', path: 'title', value: 'Boss' },
      { op: 'remove', path: 'userName' },
    ]);

    const error = scimErrorOf(() => patch(before, body));

    expect(error.detail).toContain('Operations[1]');
    expect(before).toEqual({ userName: 'alice@contoso.example', title: 'Engineer' });
  });

  it('parses op names, paths and filters into typed operations', () => {
    const operations = parsePatchRequest(
      bodyOf([
        { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}.Manager`, value: 'u-1' },
        { op: 'REMOVE', path: 'EMAILS[type eq "work"].VALUE' },
      ]),
      USER_RESOURCE_TYPE,
    );

    expect(operations).toEqual([
      {
        index: 0,
        op: 'replace',
        path: { text: `${ENTERPRISE_USER_SCHEMA}.Manager`, extension: ENTERPRISE_USER_SCHEMA, attribute: 'manager' },
        value: 'u-1',
      },
      {
        index: 1,
        op: 'remove',
        path: {
          text: 'EMAILS[type eq "work"].VALUE',
          attribute: 'emails',
          subAttribute: 'value',
          filter: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
        },
      },
    ]);
  });

  it('rejects bad values at parse time, before any data is read', () => {
    const body = bodyOf([{ op: 'replace', path: 'active', value: 'maybe' }]);

    const error = scimErrorOf(() => parsePatchRequest(body, USER_RESOURCE_TYPE));

    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('Operations[0]: active');
  });

  it('accepts "operations" and "op" keys in any case', () => {
    const result = patch(alice, { schemas: [PATCH_OP], operations: [{ OP: 'replace', Path: 'title', Value: 'Boss' }] });

    expect(result.data.title).toBe('Boss');
  });
});

const realisticPaths = [
  'title',
  'active',
  'name.givenName',
  'emails[type eq "work"].value',
  'emails',
  'members',
  'urn:x:y',
  'emails[type eq "work"',
  'id',
  'meta.created',
  'userName',
];

/** A PatchOp-ish body: sometimes well-formed, often not. */
const anyBody = fc.oneof(
  fc.jsonValue(),
  fc.record({
    schemas: fc.oneof(fc.constant([PATCH_OP]), fc.jsonValue()),
    Operations: fc.array(
      fc.record(
        {
          op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'copy'), fc.jsonValue()),
          path: fc.oneof(fc.constantFrom(...realisticPaths), fc.string(), fc.jsonValue()),
          value: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 5 },
    ),
  }),
);

const text = fc.string({ maxLength: 12 });
const email = fc.record({ type: fc.constantFrom('work', 'home'), value: text });

/** Realistic add/replace operations, the kind Entra and Okta send (README §2.4–2.6). */
const addOrReplace = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'Replace'), path: fc.constant('title'), value: text }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constant('active'),
    value: fc.constantFrom(true, false, 'True', 'False'),
  }),
  fc.record({ op: fc.constantFrom('Add', 'replace'), path: fc.constant('name.givenName'), value: fc.option(text) }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constantFrom(
      'emails[type eq "work"].value',
      'phoneNumbers[type eq "mobile"].value',
      'addresses[type eq "work"].locality',
    ),
    value: text,
  }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constant('emails[type eq "home"]'),
    value: fc.record({ value: text }),
  }),
  fc.record({ op: fc.constant('replace'), path: fc.constant('emails'), value: fc.array(email, { maxLength: 3 }) }),
  fc.record({
    op: fc.constant('add'),
    path: fc.constant('roles'),
    value: fc.array(fc.record({ value: text }), { maxLength: 2 }),
  }),
  fc.record({
    op: fc.constantFrom('add', 'replace'),
    path: fc.constant(`${ENTERPRISE_USER_SCHEMA}:manager`),
    value: fc.oneof(text, fc.record({ value: text })),
  }),
  fc.record({
    op: fc.constant('replace'),
    value: fc.record({ displayName: text, 'name.familyName': text, [`${ENTERPRISE_USER_SCHEMA}:department`]: text }),
  }),
);

describe('PATCH properties', () => {
  const before = deepFreeze({
    userName: 'alice@contoso.example',
    active: true,
    name: { givenName: 'Alice' },
    emails: [{ type: 'work', value: 'alice@contoso.example', primary: true }],
    [ENTERPRISE_USER_SCHEMA]: { department: 'Design' },
  });
  const group = deepFreeze({ displayName: 'Sales' });

  it('for any body, returns a result or throws a 400 ScimError, and never mutates the input', () => {
    fc.assert(
      fc.property(anyBody, fc.constantFrom('User', 'Group'), (body, resourceType) => {
        const input = resourceType === 'User' ? before : group;
        const snapshot = structuredClone(input);
        try {
          patch(input, body, resourceType);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).status).toBe(400);
        }
        expect(input).toEqual(snapshot);
      }),
      { numRuns: 500 },
    );
  });

  it('applying an add/replace-only patch twice gives the same data as applying it once', () => {
    fc.assert(
      fc.property(fc.array(addOrReplace, { minLength: 1, maxLength: 6 }), (operations) => {
        const body = bodyOf(operations);

        const once = patch(before, body);
        const twice = patch(once.data, body);

        expect(twice.data).toEqual(once.data);
        expect(twice.changed).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
