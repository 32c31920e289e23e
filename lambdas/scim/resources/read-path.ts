import { matchesElement } from '../filter';
import { readPatchPath } from '../patch/path';
import type { ResourceTypeDefinition } from '../schema/attributes';
import { isPlainObject, type ScimObject } from './normalize';

/** Parts of an address, in the order a one-line address reads. */
const ADDRESS_PARTS = ['streetAddress', 'locality', 'region', 'postalCode', 'country'];

/** A value as one line of text for a signature: complex values by `formatted`, or their parts. */
function asText(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isPlainObject(value)) {
    if (typeof value.formatted === 'string' && value.formatted !== '') return value.formatted;
    if (typeof value.value === 'string') return value.value;
    const parts = ADDRESS_PARTS.map((part) => value[part]).filter(
      (part): part is string => typeof part === 'string' && part !== '',
    );
    return parts.length > 0 ? parts.join(', ') : null;
  }
  return null;
}

/**
 * Reads one attribute path (PATCH path syntax: `title`, `name.givenName`,
 * `phoneNumbers[type eq "mobile"].value`, `urn:…:User:department`) from a stored resource as text;
 * null when absent or when the path names nothing in this resource type.
 */
export function readPath(data: ScimObject, path: string, resourceType: ResourceTypeDefinition): string | null {
  const parsed = readPatchPath(path, resourceType, 'mapping');
  if (!parsed) return null;
  const container = parsed.extension !== undefined ? data[parsed.extension] : data;
  if (!isPlainObject(container)) return null;
  let value: unknown = container[parsed.attribute];
  if (parsed.filter) {
    const definition = [...resourceType.schema.attributes].find((candidate) => candidate.name === parsed.attribute);
    const elements = Array.isArray(value) ? value : [];
    value = definition ? elements.find((element) => matchesElement(parsed.filter!, element, definition)) : undefined;
  } else if (Array.isArray(value)) {
    value = value.find((element) => isPlainObject(element) && element.primary === true) ?? value[0];
  }
  if (parsed.subAttribute !== undefined) value = isPlainObject(value) ? value[parsed.subAttribute] : undefined;
  return asText(value);
}
