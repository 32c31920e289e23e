import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns';

/** RFC 7643 §2.3 data types. */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

/** One attribute definition, as RFC 7643 §7 describes it (and as /Schemas serves it). */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
  /** Longest accepted string value, in characters (a service limit, not in RFC 7643). */
  readonly maxLength?: number;
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

/** Longest string value accepted anywhere, keeping items far below DynamoDB's 400 KB item limit. */
export const MAX_STRING_LENGTH = 2048;

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'subAttributes'>>;

function attr(
  name: string,
  type: AttributeType,
  options: Options = {},
  subAttributes?: AttributeDefinition[],
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: options.description ?? name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
    ...(subAttributes ? { subAttributes } : {}),
  };
}

const str = (name: string, options: Options = {}) => attr(name, 'string', options);

/** The sub-attributes RFC 7643 §2.4 gives every multi-valued attribute, with the given type values. */
function multiValued(
  name: string,
  canonicalTypes: readonly string[],
  valueType: AttributeType = 'string',
  extra: AttributeDefinition[] = [],
): AttributeDefinition {
  return attr(name, 'complex', { multiValued: true }, [
    attr('value', valueType),
    str('display'),
    str('type', { canonicalValues: canonicalTypes }),
    attr('primary', 'boolean'),
    ...extra,
  ]);
}

const meta = attr('meta', 'complex', { mutability: 'readOnly' }, [
  str('resourceType', { mutability: 'readOnly', caseExact: true }),
  attr('created', 'dateTime', { mutability: 'readOnly' }),
  attr('lastModified', 'dateTime', { mutability: 'readOnly' }),
  attr('location', 'reference', { mutability: 'readOnly', referenceTypes: ['uri'] }),
  str('version', { mutability: 'readOnly', caseExact: true }),
]);

/** RFC 7643 §3.1 externalId: set by the provisioning client (Entra maps it from mailNickname / objectId). */
const externalId = str('externalId', {
  caseExact: true,
  description: "Identifier of the resource in the provisioning client's own system",
});

/** Attributes every resource has (RFC 7643 §3.1). */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  str('id', { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' }),
  externalId,
  meta,
];

/**
 * Common attributes /Schemas lists in each core schema. RFC 7643 §3.1 lets a schema list them, and
 * Microsoft's gallery validation fails an app whose schema does not list every mapped attribute:
 * Entra maps externalId by default for users and groups (../shared/entra/README.md §2.1, §3).
 * `id` and `meta` are read-only and never mapped, so they stay out (as in RFC 7643 §8.7.1).
 */
export const LISTED_COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [externalId];

/** RFC 7643 §4.1 core User schema. */
export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', {
      required: true,
      uniqueness: 'server',
      description: 'Unique identifier for the User, case-insensitive',
    }),
    attr('name', 'complex', {}, [
      str('formatted'),
      str('familyName'),
      str('givenName'),
      str('middleName'),
      str('honorificPrefix'),
      str('honorificSuffix'),
    ]),
    str('displayName'),
    str('nickName'),
    attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
    str('title'),
    str('userType'),
    str('preferredLanguage'),
    str('locale'),
    str('timezone'),
    attr('active', 'boolean'),
    str('password', { mutability: 'writeOnly', returned: 'never' }),
    multiValued('emails', ['work', 'home', 'other']),
    multiValued('phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValued('ims', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValued('photos', ['photo', 'thumbnail'], 'reference'),
    attr('addresses', 'complex', { multiValued: true }, [
      str('formatted'),
      str('streetAddress'),
      str('locality'),
      str('region'),
      str('postalCode'),
      str('country'),
      str('type', { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'boolean'),
    ]),
    attr('groups', 'complex', { multiValued: true, mutability: 'readOnly' }, [
      str('value', { mutability: 'readOnly', caseExact: true }),
      attr('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
      str('display', { mutability: 'readOnly' }),
      str('type', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
    ]),
    multiValued('entitlements', []),
    multiValued('roles', []),
    multiValued('x509Certificates', [], 'binary'),
  ],
};

/** RFC 7643 §4.3 enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber'),
    str('costCenter'),
    str('organization'),
    str('division'),
    str('department'),
    attr('manager', 'complex', {}, [
      str('value', { caseExact: true }),
      attr('$ref', 'reference', { referenceTypes: ['User'] }),
      str('displayName', { mutability: 'readOnly' }),
    ]),
  ],
};

/** RFC 7643 §4.2 core Group schema. */
export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', { required: true }),
    attr('members', 'complex', { multiValued: true }, [
      str('value', { mutability: 'immutable', caseExact: true }),
      attr('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
      str('display', { mutability: 'readOnly' }),
      str('type', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
    ]),
  ],
};

export type ResourceTypeName = 'User' | 'Group';

/** A resource type: its core schema and the extensions it accepts (RFC 7643 §6). */
export interface ResourceTypeDefinition {
  readonly name: ResourceTypeName;
  readonly endpoint: '/Users' | '/Groups';
  readonly schema: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  name: 'User',
  endpoint: '/Users',
  schema: USER_SCHEMA_DEFINITION,
  extensions: [ENTERPRISE_USER_SCHEMA_DEFINITION],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  name: 'Group',
  endpoint: '/Groups',
  schema: GROUP_SCHEMA_DEFINITION,
  extensions: [],
};

export const RESOURCE_TYPES: Readonly<Record<ResourceTypeName, ResourceTypeDefinition>> = {
  User: USER_RESOURCE_TYPE,
  Group: GROUP_RESOURCE_TYPE,
};

/** A resolved attribute reference: which schema it lives in and its definition (and sub-attribute's). */
export interface ResolvedAttribute {
  /** The schema URN, or undefined for the core schema and common attributes. */
  readonly extension?: string;
  readonly definition: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
}

function findByName(list: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return list?.find((candidate) => candidate.name.toLowerCase() === lower);
}

/**
 * Resolves `attribute` (and optional `subAttribute`) within a resource type, case-insensitively
 * (RFC 7643 §2.1). `schemaUrn` selects an extension; the core URN or undefined means core/common.
 */
export function resolveAttribute(
  resourceType: ResourceTypeDefinition,
  schemaUrn: string | undefined,
  attribute: string,
  subAttribute?: string,
): ResolvedAttribute | undefined {
  let extension: string | undefined;
  let definition: AttributeDefinition | undefined;
  if (schemaUrn === undefined || schemaUrn.toLowerCase() === resourceType.schema.id.toLowerCase()) {
    definition = findByName(COMMON_ATTRIBUTES, attribute) ?? findByName(resourceType.schema.attributes, attribute);
  } else {
    const schema = resourceType.extensions.find((ext) => ext.id.toLowerCase() === schemaUrn.toLowerCase());
    if (!schema) return undefined;
    extension = schema.id;
    definition = findByName(schema.attributes, attribute);
  }
  if (!definition) return undefined;
  if (subAttribute === undefined) return { extension, definition };
  const sub = findByName(definition.subAttributes, subAttribute);
  return sub ? { extension, definition, subAttribute: sub } : undefined;
}
