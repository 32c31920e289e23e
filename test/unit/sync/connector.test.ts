import { checkSchedule, checkServiceRoot, dueOccurrence, parseFilters } from '../../../lambdas/sync/connector';
import { parseDeltaPage, removedReason } from '../../../lambdas/sync/delta';
import { userOperations, userSelect } from '../../../lambdas/sync/mapping';
import { outOfScopeReason } from '../../../lambdas/sync/scope';
import { mergeDuplicates } from '../../../lambdas/operations/graph-sync/sync-run';

describe('Graph connector settings', () => {
  it('parses repeated --filter options and named groups', () => {
    const filters = parseFilters(
      ['department=Sales,Support', 'accountEnabled=true', 'country=FR'],
      ['Signature users'],
    );

    expect(filters).toEqual({
      attributes: { department: ['Sales', 'Support'], country: ['FR'] },
      accountEnabled: true,
      groups: ['Signature users'],
    });
  });

  it.each([
    ['departmnet=Sales', /unknown attribute "departmnet"/],
    ['department=', /names no value/],
    ['accountEnabled=yes', /takes true or false/],
    ['Sales', /is not <attribute>=<value>/],
  ])('refuses --filter %s', (option, message) => {
    expect(() => parseFilters([option], [])).toThrow(message);
  });

  it('accepts directory extension properties as filter attributes', () => {
    expect(parseFilters(['extension_0123456789abcdef0123456789abcdef_costCenter=42'], []).attributes).toEqual({
      extension_0123456789abcdef0123456789abcdef_costCenter: ['42'],
    });
  });

  it('refuses a cron that does not parse or lacks fields', () => {
    expect(() => checkSchedule('0 6 * *', 'UTC')).toThrow(/five fields/);
    expect(() => checkSchedule('61 6 * * *', 'UTC')).toThrow(/does not parse/);
    expect(() => checkSchedule('0 6 * * 1-5', 'Europe/Paris')).not.toThrow();
  });

  it('requires https for service roots except on this machine', () => {
    expect(checkServiceRoot('--graph-url', 'https://graph.microsoft.com/')).toBe('https://graph.microsoft.com');
    expect(checkServiceRoot('--graph-url', 'http://127.0.0.1:9999')).toBe('http://127.0.0.1:9999');
    expect(() => checkServiceRoot('--graph-url', 'http://graph.example')).toThrow(/https/);
    expect(() => checkServiceRoot('--login-url', 'https://login.example/?x=1')).toThrow(/without query/);
  });

  describe('the schedule with a fake clock, in the tenant time zone', () => {
    const connector = { schedule: '0 6 * * *', timeZone: 'Europe/Paris', createdAt: '2026-11-30T12:00:00.000Z' };

    it('is due once 06:00 Paris time (05:00 UTC in winter) has passed, and not before', () => {
      expect(dueOccurrence(connector, new Date('2026-12-01T04:59:00Z'))).toBeUndefined();
      expect(dueOccurrence(connector, new Date('2026-12-01T05:00:00Z'))).toBe('2026-12-01T05:00:00.000Z');
      expect(dueOccurrence(connector, new Date('2026-12-01T05:03:00Z'))).toBe('2026-12-01T05:00:00.000Z');
    });

    it('starts each occurrence once, and one run after missed ticks', () => {
      const started = { ...connector, lastScheduledAt: '2026-12-01T05:00:00.000Z' };

      expect(dueOccurrence(started, new Date('2026-12-01T18:00:00Z'))).toBeUndefined();
      expect(dueOccurrence(started, new Date('2026-12-04T07:00:00Z'))).toBe('2026-12-04T05:00:00.000Z');
    });

    it('never runs a connector without a schedule', () => {
      expect(dueOccurrence({ ...connector, schedule: undefined }, new Date('2026-12-04T07:00:00Z'))).toBeUndefined();
    });
  });
});

describe('Graph → SCIM mapping', () => {
  const connector = { properties: {}, filters: { attributes: { country: ['FR'] }, groups: [] } };

  it("selects the mapped properties, the filters' and the required ones", () => {
    const select = userSelect(connector, {});

    expect(select).toEqual(
      expect.arrayContaining([
        'id',
        'userPrincipalName',
        'accountEnabled',
        'jobTitle',
        'department',
        'surname',
        'streetAddress',
        'city',
        'country',
      ]),
    );
  });

  it("writes mapped values to the tenant's SCIM paths, and removes what Graph cleared", () => {
    const operations = userOperations(
      {
        userPrincipalName: 'ada@c.example',
        jobTitle: 'Engineer',
        mobilePhone: null,
        businessPhones: ['+1 555'],
        city: 'Paris',
      },
      'g-1',
      true,
      { properties: { officeLocation: 'employeeId' } },
      { mapping: { title: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:role' } },
    );

    expect(operations).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: 'userName', value: 'ada@c.example' },
        { op: 'replace', path: 'externalId', value: 'g-1' },
        { op: 'replace', path: 'active', value: true },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:role', value: 'Engineer' },
        { op: 'remove', path: 'phoneNumbers[type eq "mobile"].value' },
        { op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555' },
        { op: 'replace', path: 'addresses[type eq "work"]', value: { type: 'work', locality: 'Paris' } },
        { op: 'remove', path: 'addresses[type eq "other"].formatted' },
      ]),
    );
  });
});

describe('scope filters', () => {
  const filters = {
    attributes: { department: ['Sales', 'Support'] },
    accountEnabled: true,
    groups: ['Signature users'],
  };

  it('keeps enabled users of the named departments who are in a named group (case-insensitively)', () => {
    expect(
      outOfScopeReason({ department: 'sales', accountEnabled: true }, ['g1'], filters, new Set(['g1'])),
    ).toBeUndefined();
  });

  it.each([
    [{ department: 'Sales', accountEnabled: false }, ['g1'], /accountEnabled/],
    [{ department: 'Engineering', accountEnabled: true }, ['g1'], /department is not one of Sales, Support/],
    [{ department: null, accountEnabled: true }, ['g1'], /department/],
    [{ department: 'Support', accountEnabled: true }, ['g2'], /not a member of Signature users/],
  ])('puts %j (member of %j) out of scope', (user, memberOf, reason) => {
    expect(outOfScopeReason(user, memberOf, filters, new Set(['g1']))).toMatch(reason);
  });
});

describe('delta pages', () => {
  it('takes value with nextLink or deltaLink', () => {
    expect(parseDeltaPage('{"value":[{"id":"a"}],"@odata.nextLink":"n"}', 'https://g/v1.0/users/delta')).toEqual({
      value: [{ id: 'a' }],
      nextLink: 'n',
    });
  });

  it.each([
    ['<html/>', 'graphPageNotJson'],
    ['{"value":[]}', 'missingDeltaLink'],
    ['{"@odata.deltaLink":"d"}', 'graphPageInvalid'],
    ['{"value":[{"displayName":"no id"}],"@odata.deltaLink":"d"}', 'graphPageInvalid'],
  ])('refuses %s', (body, code) => {
    expect(() => parseDeltaPage(body, 'https://g/v1.0/users/delta?$deltatoken=secret')).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('never repeats the delta token of the page it names', () => {
    expect(() => parseDeltaPage('nope', 'https://g/v1.0/users/delta?$deltatoken=abc123')).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('abc123') }),
    );
  });

  it('reads @removed reasons', () => {
    expect(removedReason({ id: 'a', '@removed': { reason: 'deleted' } })).toBe('deleted');
    expect(removedReason({ id: 'a', '@removed': { reason: 'changed' } })).toBe('changed');
    expect(removedReason({ id: 'a' })).toBeUndefined();
  });

  it('merges an object Graph sent twice on one page: later properties win, member lists add up', () => {
    const merged = mergeDuplicates([
      { id: 'g', displayName: 'A', 'members@delta': [{ id: 'u1' }] },
      { id: 'u', department: 'Sales' },
      { id: 'g', 'members@delta': [{ id: 'u2' }] },
      { id: 'u', department: 'Support' },
    ]);

    expect(merged).toEqual([
      { id: 'g', displayName: 'A', 'members@delta': [{ id: 'u1' }, { id: 'u2' }] },
      { id: 'u', department: 'Support' },
    ]);
  });
});
