import { ScimError } from './errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list';
import type { ScimObject } from './resources/normalize';
import {
  LISTED_COMMON_ATTRIBUTES,
  RESOURCE_TYPES,
  type AttributeDefinition,
  type ResourceTypeDefinition,
  type SchemaDefinition,
} from './schema/attributes';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from './schema/urns';

/** How long a cursor stays valid, in seconds (RFC 9865 `cursorTimeout`). */
export const CURSOR_TIMEOUT_SECONDS = 3600;

/**
 * RFC 7643 §5 ServiceProviderConfig: what this service does, and only that. Bulk, sort and
 * changePassword are not implemented, so they are advertised as unsupported; `pagination` is the
 * RFC 9865 extension (index and cursor paging).
 */
export function serviceProviderConfig(tenantUrl: string): ScimObject {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: DEFAULT_PAGE_SIZE,
      maxPageSize: MAX_PAGE_SIZE,
      cursorTimeout: CURSOR_TIMEOUT_SECONDS,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'The Secret Token issued for this Tenant URL, or an OAuth 2.0 access token from this tenant\'s token endpoint (client credentials or a JWT assertion), sent as "Authorization: Bearer <token>" (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${tenantUrl}/ServiceProviderConfig` },
  };
}

function renderResourceType(definition: ResourceTypeDefinition, tenantUrl: string): ScimObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: definition.name,
    name: definition.name,
    endpoint: definition.endpoint,
    description: definition.schema.description,
    schema: definition.schema.id,
    ...(definition.extensions.length > 0
      ? { schemaExtensions: definition.extensions.map((extension) => ({ schema: extension.id, required: false })) }
      : {}),
    meta: { resourceType: 'ResourceType', location: `${tenantUrl}/ResourceTypes/${definition.name}` },
  };
}

/** RFC 7643 §6 ResourceTypes: User (with the optional enterprise extension) and Group. */
export function resourceTypes(tenantUrl: string): ScimObject[] {
  return Object.values(RESOURCE_TYPES).map((definition) => renderResourceType(definition, tenantUrl));
}

/** One resource type by id (`User`, `Group`; any letter case), or a 404 ScimError. */
export function resourceType(name: string, tenantUrl: string): ScimObject {
  const definition = Object.values(RESOURCE_TYPES).find(
    (candidate) => candidate.name.toLowerCase() === name.toLowerCase(),
  );
  if (!definition) {
    throw ScimError.notFound(
      `Resource type "${name}" not found: this service serves ${Object.keys(RESOURCE_TYPES).join(' and ')}.`,
    );
  }
  return renderResourceType(definition, tenantUrl);
}

/**
 * An attribute as RFC 7643 §7 describes it. Optional characteristics are left out when they have
 * no value (Entra rejects `null`s, ../shared/entra/README.md §1), and so is our `maxLength`, which
 * RFC 7643 does not define.
 */
function renderAttribute(definition: AttributeDefinition): ScimObject {
  return {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
    ...(definition.canonicalValues && definition.canonicalValues.length > 0
      ? { canonicalValues: [...definition.canonicalValues] }
      : {}),
    ...(definition.referenceTypes && definition.referenceTypes.length > 0
      ? { referenceTypes: [...definition.referenceTypes] }
      : {}),
    ...(definition.subAttributes ? { subAttributes: definition.subAttributes.map(renderAttribute) } : {}),
  };
}

function renderSchema(definition: SchemaDefinition, tenantUrl: string): ScimObject {
  const core = Object.values(RESOURCE_TYPES).some((type) => type.schema.id === definition.id);
  return {
    schemas: [SCHEMA_SCHEMA],
    id: definition.id,
    name: definition.name,
    description: definition.description,
    attributes: [...(core ? LISTED_COMMON_ATTRIBUTES : []), ...definition.attributes].map(renderAttribute),
    // RFC 7643 §8.7.1 places the URN as it is in the location (its colons are valid in a path).
    meta: { resourceType: 'Schema', location: `${tenantUrl}/Schemas/${definition.id}` },
  };
}

/** Every schema a resource type uses, core schemas first, each once (with a tenant's own User extensions). */
function allSchemas(userType: ResourceTypeDefinition = RESOURCE_TYPES.User): SchemaDefinition[] {
  const types = [userType, RESOURCE_TYPES.Group];
  const list = [...types.map((type) => type.schema), ...types.flatMap((type) => type.extensions)];
  return list.filter((schema, index) => list.indexOf(schema) === index);
}

/**
 * RFC 7643 §7 Schemas: User, Group and the enterprise User extension, generated from the same
 * definitions that parse requests. Microsoft's validator fails every group test without the Group
 * schema (../shared/entra/README.md §7).
 */
export function schemas(tenantUrl: string, userType?: ResourceTypeDefinition): ScimObject[] {
  return allSchemas(userType).map((definition) => renderSchema(definition, tenantUrl));
}

/** One schema by URN (any letter case), or a 404 ScimError. */
export function schema(id: string, tenantUrl: string, userType?: ResourceTypeDefinition): ScimObject {
  const definition = allSchemas(userType).find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!definition) {
    throw ScimError.notFound(
      `Schema "${id}" not found: this service serves ${allSchemas()
        .map((candidate) => candidate.id)
        .join(', ')}.`,
    );
  }
  return renderSchema(definition, tenantUrl);
}
