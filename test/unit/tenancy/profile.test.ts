import { withCustomExtensions } from '../../../lambdas/scim/schema/custom';
import { readPath } from '../../../lambdas/scim/resources/read-path';
import { USER_RESOURCE_TYPE } from '../../../lambdas/scim/schema/attributes';
import {
  changedFields,
  DEFAULT_MAPPING,
  editRefusal,
  effectiveProfile,
  type OwnershipPolicy,
} from '../../../lambdas/tenancy/profile';
import { ENTERPRISE_USER_SCHEMA } from '../../../lambdas/scim/schema/urns';

const policies: Record<string, OwnershipPolicy> = {
  directory: { default: 'directory', fields: {} },
  user: { default: 'user', fields: {} },
  hybrid: { default: 'directory', fields: { mobilePhone: 'user' } },
};

describe('ownership policy matrix: which value the effective profile shows, and which edits are refused', () => {
  const fields = ['title', 'mobilePhone'];
  const directory = { title: 'Engineer', mobilePhone: '+1 555 0101' };
  const user = { title: 'Chief Vibes Officer', mobilePhone: '+1 555 9999' };

  // [policy, managed, field] → [shown value, edit refused?]
  const cases: [string, boolean, string, string, boolean][] = [
    ['directory', true, 'title', 'Engineer', true],
    ['directory', true, 'mobilePhone', '+1 555 0101', true],
    ['directory', false, 'title', 'Chief Vibes Officer', false],
    ['directory', false, 'mobilePhone', '+1 555 9999', false],
    ['user', true, 'title', 'Chief Vibes Officer', false],
    ['user', true, 'mobilePhone', '+1 555 9999', false],
    ['user', false, 'title', 'Chief Vibes Officer', false],
    ['user', false, 'mobilePhone', '+1 555 9999', false],
    ['hybrid', true, 'title', 'Engineer', true],
    ['hybrid', true, 'mobilePhone', '+1 555 9999', false],
    ['hybrid', false, 'title', 'Chief Vibes Officer', false],
    ['hybrid', false, 'mobilePhone', '+1 555 9999', false],
  ];

  it.each(cases)('%s policy, managed=%s: %s shows %j, edit refused: %s', (policy, managed, field, shown, refused) => {
    const profile = effectiveProfile(fields, directory, user, policies[policy] as OwnershipPolicy, managed);
    const refusal = editRefusal(field, fields, policies[policy] as OwnershipPolicy, managed);

    expect(profile[field]).toBe(shown);
    expect(refusal !== undefined).toBe(refused);
  });

  it("shows the directory's value of a user-owned field until the user sets one", () => {
    const profile = effectiveProfile(fields, directory, {}, policies.user as OwnershipPolicy, true);

    expect(profile).toEqual({ title: 'Engineer', mobilePhone: '+1 555 0101' });
  });

  it('names the owner and the way out in a refusal, and refuses unknown fields', () => {
    expect(editRefusal('title', fields, policies.hybrid as OwnershipPolicy, true)).toMatch(
      /owned by the directory while SCIM is connected.*policy set/,
    );
    expect(editRefusal('shoeSize', fields, policies.user as OwnershipPolicy, true)).toMatch(/not a profile field/);
  });

  it('lists the fields whose values differ', () => {
    expect(changedFields({ a: '1', b: null }, { a: '2', b: null, c: 'x' })).toEqual(['a', 'c']);
  });
});

describe('default attribute mapping reads what Entra sends', () => {
  const data = {
    userName: 'ada@contoso.example',
    displayName: 'Ada Lovelace',
    title: 'Engineer',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ type: 'work', value: 'ada@contoso.example', primary: true }],
    phoneNumbers: [
      { type: 'work', value: '+1 555 0100' },
      { type: 'mobile', value: '+1 555 0101' },
    ],
    addresses: [
      { type: 'work', streetAddress: '1 Main St', locality: 'Springfield', country: 'US' },
      { type: 'other', formatted: 'Building 7' },
    ],
    [ENTERPRISE_USER_SCHEMA]: { department: 'R&D', organization: 'Contoso', manager: { value: 'u-9' } },
  };

  it.each([
    ['displayName', 'Ada Lovelace'],
    ['givenName', 'Ada'],
    ['familyName', 'Lovelace'],
    ['title', 'Engineer'],
    ['department', 'R&D'],
    ['company', 'Contoso'],
    ['email', 'ada@contoso.example'],
    ['workPhone', '+1 555 0100'],
    ['mobilePhone', '+1 555 0101'],
    ['officeLocation', 'Building 7'],
    ['address', '1 Main St, Springfield, US'],
    ['manager', 'u-9'],
    ['photoUrl', null],
  ])('%s ← %j', (field, expected) => {
    expect(readPath(data, DEFAULT_MAPPING[field] as string, USER_RESOURCE_TYPE)).toBe(expected);
  });

  it("reads a tenant's own extension attribute once its mapping declares it", () => {
    const path = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:costCenter';
    const type = withCustomExtensions(USER_RESOURCE_TYPE, [path]);

    expect(
      readPath({ 'urn:ietf:params:scim:schemas:extension:acme:2.0:User': { costCenter: 'CC-42' } }, path, type),
    ).toBe('CC-42');
    expect(type.extensions.map((extension) => extension.id)).toContain(
      'urn:ietf:params:scim:schemas:extension:acme:2.0:User',
    );
    expect(withCustomExtensions(USER_RESOURCE_TYPE, ['title'])).toBe(USER_RESOURCE_TYPE);
  });
});
