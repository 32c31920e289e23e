import { resourceType, resourceTypes, schema, schemas, serviceProviderConfig } from '../../../lambdas/scim/discovery';
import { MAX_PAGE_SIZE } from '../../../lambdas/scim/list';
import {
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  LISTED_COMMON_ATTRIBUTES,
  USER_SCHEMA_DEFINITION,
  type AttributeDefinition,
} from '../../../lambdas/scim/schema/attributes';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../lambdas/scim/schema/urns';
import { scimErrorOf } from '../../support/scim-error';

const TENANT_URL = 'https://scim.example/scim/v2/acme';

/** JSON paths of every null (or undefined) value in a document. */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => nullPaths(item, `${path}[${index}]`));
  if (typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => nullPaths(item, `${path}.${key}`));
  return [];
}

/** Every attribute of a schema as `name` and `name.sub`. */
function attributeNames(
  attributes: readonly { name: string; subAttributes?: readonly { name: string }[] }[],
): string[] {
  return attributes.flatMap((attribute) => [
    attribute.name,
    ...(attribute.subAttributes ?? []).map((sub) => `${attribute.name}.${sub.name}`),
  ]);
}

function allAttributes(value: unknown): Record<string, unknown>[] {
  const schemaDocument = value as { attributes: Record<string, unknown>[] };
  const walk = (list: Record<string, unknown>[]): Record<string, unknown>[] =>
    list.flatMap((attribute) => [
      attribute,
      ...walk((attribute.subAttributes as Record<string, unknown>[] | undefined) ?? []),
    ]);
  return walk(schemaDocument.attributes);
}

describe('discovery documents carry no nulls (Entra rejects them, entra README §1)', () => {
  it.each([
    ['ServiceProviderConfig', () => serviceProviderConfig(TENANT_URL)],
    ['ResourceTypes', () => resourceTypes(TENANT_URL)],
    ['Schemas', () => schemas(TENANT_URL)],
  ])('%s', (_name, build) => {
    const document = build();

    expect(nullPaths(JSON.parse(JSON.stringify(document)))).toEqual([]);
    expect(nullPaths(document)).toEqual([]);
  });
});

describe('Schemas (RFC 7643 §7), generated from the attribute definitions', () => {
  it('lists the User, enterprise User and Group schemas (the Logic App validator needs Group)', () => {
    const list = schemas(TENANT_URL);

    expect(list.map((document) => document.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it.each([
    [USER_SCHEMA, [...LISTED_COMMON_ATTRIBUTES, ...USER_SCHEMA_DEFINITION.attributes]],
    [ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA_DEFINITION.attributes],
    [GROUP_SCHEMA, [...LISTED_COMMON_ATTRIBUTES, ...GROUP_SCHEMA_DEFINITION.attributes]],
  ])(
    'serves every attribute and sub-attribute of %s (core schemas also list externalId, RFC 7643 §3.1)',
    (id, definitions: readonly AttributeDefinition[]) => {
      const document = schemas(TENANT_URL).find((candidate) => candidate.id === id);

      expect(attributeNames(document?.attributes as AttributeDefinition[])).toEqual(attributeNames(definitions));
    },
  );

  it('describes each attribute with the RFC 7643 §7 characteristics only, camel-cased', () => {
    const attributes = schemas(TENANT_URL).flatMap(allAttributes);
    const always = [
      'name',
      'type',
      'multiValued',
      'description',
      'required',
      'caseExact',
      'mutability',
      'returned',
      'uniqueness',
    ];
    const sometimes = ['canonicalValues', 'referenceTypes', 'subAttributes'];

    for (const attribute of attributes) {
      expect(Object.keys(attribute)).toEqual(expect.arrayContaining(always));
      expect(Object.keys(attribute).filter((key) => ![...always, ...sometimes].includes(key))).toEqual([]);
      expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(attribute.mutability);
      expect(['always', 'never', 'default', 'request']).toContain(attribute.returned);
    }
    expect(attributes.map((attribute) => attribute.mutability)).toEqual(
      expect.arrayContaining(['readOnly', 'readWrite', 'immutable', 'writeOnly']),
    );
  });

  it('keeps canonicalValues for emails.type, so validators address emails[type eq "work"].value', () => {
    const user = schema(USER_SCHEMA, TENANT_URL);

    const emails = (user.attributes as Record<string, any>[]).find((attribute) => attribute.name === 'emails');

    expect(emails?.subAttributes.find((sub: Record<string, unknown>) => sub.name === 'type').canonicalValues).toEqual([
      'work',
      'home',
      'other',
    ]);
    expect(user.meta).toEqual({ resourceType: 'Schema', location: `${TENANT_URL}/Schemas/${USER_SCHEMA}` });
  });

  it.each([USER_SCHEMA, GROUP_SCHEMA])('lists externalId in %s as readWrite, optional and caseExact', (id) => {
    const document = schema(id, TENANT_URL);

    const listed = (document.attributes as Record<string, unknown>[]).filter(
      (attribute) => attribute.name === 'externalId',
    );

    expect(listed).toEqual([
      expect.objectContaining({
        type: 'string',
        multiValued: false,
        mutability: 'readWrite',
        required: false,
        caseExact: true,
        returned: 'default',
        uniqueness: 'none',
      }),
    ]);
  });

  it('finds a schema by URN in any letter case, and answers an unknown one with 404', () => {
    const group = schema(GROUP_SCHEMA.toUpperCase(), TENANT_URL);
    const error = scimErrorOf(() => schema('urn:example:nothing', TENANT_URL));

    expect(group.id).toBe(GROUP_SCHEMA);
    expect(error.status).toBe(404);
    expect(error.detail).toContain('urn:example:nothing');
  });
});

describe('ServiceProviderConfig (RFC 7643 §5)', () => {
  it('advertises patch, etag, filter and RFC 9865 pagination, and not bulk, sort or changePassword', () => {
    const config = serviceProviderConfig(TENANT_URL);

    expect(config).toMatchObject({
      patch: { supported: true },
      etag: { supported: true },
      filter: { supported: true, maxResults: MAX_PAGE_SIZE },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      sort: { supported: false },
      changePassword: { supported: false },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: MAX_PAGE_SIZE,
        cursorTimeout: 3600,
      },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${TENANT_URL}/ServiceProviderConfig` },
    });
  });
});

describe('ResourceTypes (RFC 7643 §6)', () => {
  it('serves User with the optional enterprise extension, and Group', () => {
    const list = resourceTypes(TENANT_URL);

    expect(list).toEqual([
      expect.objectContaining({
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      }),
      expect.objectContaining({ id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA }),
    ]);
    expect(list[1]?.meta).toEqual({ resourceType: 'ResourceType', location: `${TENANT_URL}/ResourceTypes/Group` });
  });

  it('finds one by id, and answers an unknown one with 404', () => {
    const user = resourceType('user', TENANT_URL);
    const error = scimErrorOf(() => resourceType('Device', TENANT_URL));

    expect(user.id).toBe('User');
    expect(error.status).toBe(404);
    expect(error.detail).toContain('Device');
  });
});
