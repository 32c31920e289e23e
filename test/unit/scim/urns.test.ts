import * as urns from '../../../lambdas/scim/schema/urns';

/**
 * The one place the URN strings are typed in the tests: every other suite imports them (from
 * lambdas/scim/schema/urns.ts or test/support/conformance.ts), so this table is what keeps a typo in
 * urns.ts from passing every suite at once.
 */
const REGISTERED: readonly (readonly [string, string])[] = [
  ['USER_SCHEMA', 'urn:ietf:params:scim:schemas:core:2.0:User'],
  ['GROUP_SCHEMA', 'urn:ietf:params:scim:schemas:core:2.0:Group'],
  ['ENTERPRISE_USER_SCHEMA', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  ['LIST_RESPONSE', 'urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  ['PATCH_OP', 'urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  ['ERROR_MESSAGE', 'urn:ietf:params:scim:api:messages:2.0:Error'],
  ['SERVICE_PROVIDER_CONFIG_SCHEMA', 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  ['RESOURCE_TYPE_SCHEMA', 'urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
  ['SCHEMA_SCHEMA', 'urn:ietf:params:scim:schemas:core:2.0:Schema'],
  // What Entra puts in group bodies (../shared/entra/README.md §3).
  ['ENTRA_ADSCIM_GROUP_SCHEMA', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
];

describe('SCIM URNs: the strings RFC 7643 §8.7 and RFC 7644 §3 register', () => {
  it.each(REGISTERED)('%s is %s', (name, value) => {
    expect((urns as Record<string, string>)[name]).toBe(value);
  });

  it('exports no URN the table above leaves unchecked', () => {
    expect(Object.keys(urns).sort()).toEqual(REGISTERED.map(([name]) => name).sort());
  });
});
