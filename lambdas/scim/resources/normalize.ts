import { describeValue, ScimError } from '../errors';
import {
  COMMON_ATTRIBUTES,
  MAX_STRING_LENGTH,
  type AttributeDefinition,
  type ResourceTypeDefinition,
  type SchemaDefinition,
} from '../schema/attributes';

/** A SCIM resource as JSON: core attributes at the top, each extension's under its URN. */
export type ScimObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findAttribute(
  list: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return list?.find((candidate) => candidate.name.toLowerCase() === lower);
}

/** Entra sends booleans as "True"/"False" (../shared/entra/README.md §4 quirk 2). */
function toBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw ScimError.badRequest('invalidValue', `${where} must be a boolean, got ${describeValue(value)}.`);
}

/**
 * Most values one multi-valued attribute (emails, phoneNumbers, roles…) may hold. Entra sends a
 * handful; the bound keeps a PATCH's merge work and a resource's size small (docs/operations.md "Limits").
 */
export const MAX_VALUES_PER_ATTRIBUTE = 100;

/**
 * Largest stored resource, as UTF-8 JSON. The user item also holds the portal's values and index
 * keys and must stay under DynamoDB's 400 KB item limit; the resource must also fit, as a snapshot,
 * in one EventBridge entry of 256 KB (docs/events.md "Size").
 */
export const MAX_RESOURCE_BYTES = 128 * 1024;

/**
 * Group `members` are stored as items of their own, not in the resource (docs/data-model.md; a group
 * may have 100,000), and a request's member list has its own limit: neither bound above applies.
 */
const STORED_APART: ReadonlySet<string> = new Set(['members']);

/**
 * Refuses a resource that cannot be stored and published whole: a multi-valued attribute with more
 * than MAX_VALUES_PER_ATTRIBUTE values, or more than MAX_RESOURCE_BYTES of JSON (400 invalidValue).
 */
export function checkResourceBounds(data: ScimObject, resourceType: ResourceTypeDefinition): void {
  const containers: [string, ScimObject][] = [['', data]];
  for (const extension of resourceType.extensions) {
    if (isPlainObject(data[extension.id])) containers.push([`${extension.id}:`, data[extension.id] as ScimObject]);
  }
  for (const [prefix, container] of containers) {
    for (const [name, value] of Object.entries(container)) {
      if (
        Array.isArray(value) &&
        value.length > MAX_VALUES_PER_ATTRIBUTE &&
        !(prefix === '' && STORED_APART.has(name))
      ) {
        throw ScimError.badRequest(
          'invalidValue',
          `${prefix}${name} would hold ${value.length} values; the limit is ${MAX_VALUES_PER_ATTRIBUTE} per attribute.`,
        );
      }
    }
  }
  const bytes = Buffer.byteLength(
    JSON.stringify(data, (key, value: unknown) => (STORED_APART.has(key) ? undefined : value)),
    'utf8',
  );
  if (bytes > MAX_RESOURCE_BYTES) {
    throw ScimError.badRequest(
      'invalidValue',
      `The ${resourceType.name} would be ${bytes} bytes as JSON; the limit is ${MAX_RESOURCE_BYTES} bytes per resource.`,
    );
  }
}

/** Half of a UTF-16 surrogate pair without its other half: not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a value counts as absent: null (Entra's "no value", quirk 12) or an empty string. */
export function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/**
 * Checks and canonicalises one attribute value against its definition: names take the schema's
 * case, string booleans become booleans, nulls disappear. Returns undefined for "absent".
 */
export function normalizeValue(
  definition: AttributeDefinition,
  value: unknown,
  where: string,
  ignoreMultiValued = false,
): unknown {
  if (isAbsent(value)) return undefined;
  if (definition.multiValued && !ignoreMultiValued) {
    const items = Array.isArray(value) ? value : [value];
    if (items.length > MAX_VALUES_PER_ATTRIBUTE && !STORED_APART.has(definition.name)) {
      throw ScimError.badRequest(
        'invalidValue',
        `${where} has ${items.length} values; the limit is ${MAX_VALUES_PER_ATTRIBUTE} per attribute.`,
      );
    }
    const normalized = items
      .map((item, index) => normalizeValue(definition, item, `${where}[${index}]`, true))
      .filter((item) => item !== undefined);
    return normalized.length > 0 ? normalized : undefined;
  }
  switch (definition.type) {
    case 'complex':
      return normalizeComplex(definition, value, where);
    case 'boolean':
      return toBoolean(value, where);
    case 'integer':
    case 'decimal': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (
        typeof number !== 'number' ||
        !Number.isFinite(number) ||
        (definition.type === 'integer' && !Number.isInteger(number))
      ) {
        throw ScimError.badRequest(
          'invalidValue',
          `${where} must be ${definition.type === 'integer' ? 'an integer' : 'a number'}, got ${describeValue(value)}.`,
        );
      }
      return number;
    }
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        throw ScimError.badRequest(
          'invalidValue',
          `${where} must be an xsd:dateTime string, got ${describeValue(value)}.`,
        );
      }
      return value;
    default: {
      if (typeof value !== 'string') {
        throw ScimError.badRequest('invalidValue', `${where} must be a string, got ${describeValue(value)}.`);
      }
      if (LONE_SURROGATE.test(value)) {
        throw ScimError.badRequest('invalidValue', `${where} is not valid Unicode text (it holds a lone surrogate).`);
      }
      const limit = definition.maxLength ?? MAX_STRING_LENGTH;
      if (value.length > limit) {
        throw ScimError.badRequest(
          'invalidValue',
          `${where} is ${value.length} characters long; the limit is ${limit}.`,
        );
      }
      return value;
    }
  }
}

function normalizeComplex(definition: AttributeDefinition, value: unknown, where: string): ScimObject | undefined {
  // manager arrives as a bare id string, or in the old list form (../shared/entra/README.md §2.5).
  if (definition.name === 'manager') {
    if (typeof value === 'string') value = { value };
    else if (Array.isArray(value)) value = value[0];
    if (isAbsent(value)) return undefined;
  }
  if (!isPlainObject(value)) {
    throw ScimError.badRequest('invalidValue', `${where} must be an object, got ${describeValue(value)}.`);
  }
  const result: ScimObject = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findAttribute(definition.subAttributes, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const normalized = normalizeValue(sub, raw, `${where}.${sub.name}`);
    if (normalized !== undefined) result[sub.name] = normalized;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function normalizeAttributes(
  attributes: readonly AttributeDefinition[],
  input: Record<string, unknown>,
  prefix: string,
  into: ScimObject,
): void {
  for (const [key, raw] of Object.entries(input)) {
    const definition = findAttribute(attributes, key);
    // readOnly attributes are the server's; writeOnly ones (password) are never stored: this
    // product signs emails and has no use for a credential it would then have to protect.
    if (!definition || definition.mutability === 'readOnly' || definition.mutability === 'writeOnly') continue;
    const normalized = normalizeValue(definition, raw, `${prefix}${definition.name}`);
    if (normalized !== undefined) into[definition.name] = normalized;
  }
}

/** Finds the extension schema a key names: the URN itself, case-insensitively. */
export function findExtension(resourceType: ResourceTypeDefinition, key: string): SchemaDefinition | undefined {
  const lower = key.toLowerCase();
  return resourceType.extensions.find((extension) => extension.id.toLowerCase() === lower);
}

/**
 * Parses a client's resource body (POST or PUT) into the stored form: canonical attribute names,
 * checked types, readOnly attributes (id, meta, groups) and unknown attributes dropped, extension
 * attributes nested under their URN. Throws a 400 ScimError naming the attribute at fault.
 */
export function normalizeResource(body: unknown, resourceType: ResourceTypeDefinition): ScimObject {
  if (!isPlainObject(body)) {
    throw ScimError.badRequest(
      'invalidSyntax',
      `The request body must be a JSON object describing a ${resourceType.name}.`,
    );
  }
  const schemas = body.schemas;
  if (schemas !== undefined && schemas !== null) {
    if (!Array.isArray(schemas) || schemas.some((urn) => typeof urn !== 'string')) {
      throw ScimError.badRequest('invalidSyntax', '"schemas" must be an array of schema URNs.');
    }
    // Unknown URNs (Entra's ADSCIM group URN, malformed old enterprise URNs) are ignored: quirk 11.
    if (!schemas.some((urn: string) => urn.toLowerCase() === resourceType.schema.id.toLowerCase())) {
      throw ScimError.badRequest('invalidValue', `"schemas" must include ${resourceType.schema.id}.`);
    }
  }
  const result: ScimObject = {};
  const core: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'schemas') continue;
    const extension = findExtension(resourceType, key);
    if (extension) {
      if (isAbsent(raw)) continue;
      if (!isPlainObject(raw)) throw ScimError.badRequest('invalidValue', `"${extension.id}" must be an object.`);
      const attributes: ScimObject = {};
      normalizeAttributes(extension.attributes, raw, `${extension.id}:`, attributes);
      if (Object.keys(attributes).length > 0)
        result[extension.id] = { ...(result[extension.id] as ScimObject | undefined), ...attributes };
      continue;
    }
    // `urn:…:enterprise:2.0:User:department` as a flat key (Entra's path form, quirk 4).
    const flat = resourceType.extensions.find((ext) => key.toLowerCase().startsWith(`${ext.id.toLowerCase()}:`));
    if (flat) {
      const attributes: ScimObject = {};
      normalizeAttributes(flat.attributes, { [key.slice(flat.id.length + 1)]: raw }, `${flat.id}:`, attributes);
      if (Object.keys(attributes).length > 0)
        result[flat.id] = { ...(result[flat.id] as ScimObject | undefined), ...attributes };
      continue;
    }
    core[key] = raw;
  }
  normalizeAttributes([...COMMON_ATTRIBUTES, ...resourceType.schema.attributes], core, '', result);
  for (const definition of resourceType.schema.attributes) {
    const value = result[definition.name];
    if (definition.required && (value === undefined || (typeof value === 'string' && value.trim() === ''))) {
      throw ScimError.badRequest(
        'invalidValue',
        `${definition.name} is required and must be a non-empty ${definition.type}.`,
      );
    }
  }
  checkResourceBounds(result, resourceType);
  return result;
}

/** The stored form without writeOnly attributes (a PATCH may name `password`; it is dropped, not kept). */
export function withoutWriteOnly(data: ScimObject, resourceType: ResourceTypeDefinition): ScimObject {
  const writeOnly = resourceType.schema.attributes
    .filter((definition) => definition.mutability === 'writeOnly')
    .map((definition) => definition.name);
  if (!writeOnly.some((name) => name in data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([name]) => !writeOnly.includes(name)));
}
