import defaults from '../../fixtures/entra/default-mappings.json';
import { schemas } from '../../../lambdas/scim/discovery';
import { DEFAULT_MAPPING } from '../../../lambdas/tenancy/profile';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../lambdas/scim/schema/urns';

interface ListedAttribute {
  readonly name: string;
  readonly subAttributes?: readonly ListedAttribute[];
}

const TENANT_URL = 'https://scim.example/scim/v2/acme';
const listed = new Map(
  schemas(TENANT_URL).map((document) => [String(document.id).toLowerCase(), document.attributes as ListedAttribute[]]),
);

/**
 * Resolves a mapping target (`emails[type eq "work"].value`, `urn:…:User:manager`, `name.givenName`)
 * against the /Schemas documents only, as Microsoft's gallery validation does: the schema (core or
 * the extension the URN names) must list the attribute, the filter's attribute and the sub-attribute.
 * Returns what is missing, or undefined.
 */
function missingFromSchemas(target: string, coreSchema: string): string | undefined {
  const urn = [ENTERPRISE_USER_SCHEMA].find((extension) =>
    target.toLowerCase().startsWith(`${extension.toLowerCase()}:`),
  );
  const path = urn ? target.slice(urn.length + 1) : target;
  const attributes = listed.get((urn ?? coreSchema).toLowerCase());
  if (!attributes) return `schema ${urn ?? coreSchema}`;
  const match = /^([A-Za-z$][\w$-]*)(?:\[([A-Za-z$][\w$-]*) [a-z]{2} "[^"]*"\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(path);
  if (!match) return `a parsable path (${path})`;
  const [, name = '', filterAttribute, subAttribute] = match;
  const find = (list: readonly ListedAttribute[] | undefined, wanted: string) =>
    list?.find((candidate) => candidate.name.toLowerCase() === wanted.toLowerCase());
  const attribute = find(attributes, name);
  if (!attribute) return name;
  if (filterAttribute !== undefined && !find(attribute.subAttributes, filterAttribute))
    return `${name}.${filterAttribute}`;
  if (subAttribute !== undefined && !find(attribute.subAttributes, subAttribute)) return `${name}.${subAttribute}`;
  return undefined;
}

describe("/Schemas lists every attribute of Entra's default mappings (gallery validation)", () => {
  it.each(Object.entries(defaults.User))('User: %s → %s', (_source, target) => {
    expect(missingFromSchemas(target, USER_SCHEMA)).toBeUndefined();
  });

  it.each(Object.entries(defaults.Group))('Group: %s → %s', (_source, target) => {
    expect(missingFromSchemas(target, GROUP_SCHEMA)).toBeUndefined();
  });

  it.each(Object.entries(DEFAULT_MAPPING))("the profile's default mapping: %s ← %s", (_field, target) => {
    expect(missingFromSchemas(target, USER_SCHEMA)).toBeUndefined();
  });

  it('reports an attribute the schemas do not list (the check can fail)', () => {
    expect(missingFromSchemas('nonsense', USER_SCHEMA)).toBe('nonsense');
    expect(missingFromSchemas('emails[kind eq "work"].value', USER_SCHEMA)).toBe('emails.kind');
    expect(missingFromSchemas('externalId', 'urn:example:none')).toBe('schema urn:example:none');
  });
});
