import { ScimError } from '../errors';
import { checkElementFilter, closingBracket, parseFilter, type Filter } from '../filter';
import { resolveAttribute, type AttributeDefinition, type ResourceTypeDefinition } from '../schema/attributes';
import type { PatchPath } from './operation';

const ATTRIBUTE_NAME = /^[A-Za-z][\w$-]*$/;

/** The definitions a resolved path names. */
export interface PathDefinitions {
  readonly definition: AttributeDefinition;
  readonly subDefinition?: AttributeDefinition;
}

function invalidPath(where: string, text: string, problem: string): ScimError {
  return ScimError.badRequest('invalidPath', `${where}: path \`${text}\` ${problem}.`);
}

/**
 * Splits a schema URN prefix off a path. Extension attributes are `<urn>:<attr>`; the pre-2018
 * customappsso job (still in Microsoft's Postman suite) writes `<urn>.<attr>` (README §2.4, quirk 4).
 * Returns undefined for a URN no schema of this resource type has.
 */
function splitSchema(text: string, resourceType: ResourceTypeDefinition): { urn?: string; rest: string } | undefined {
  const lower = text.toLowerCase();
  if (!lower.startsWith('urn:')) return { rest: text };
  for (const schema of [resourceType.schema, ...resourceType.extensions]) {
    const id = schema.id.toLowerCase();
    const separator = text[id.length];
    if (lower.startsWith(id) && (separator === ':' || separator === '.'))
      return { urn: schema.id, rest: text.slice(id.length + 1) };
  }
  return undefined;
}

interface Written {
  readonly attribute: string;
  readonly filterText?: string;
  readonly subAttribute?: string;
}

/** Reads `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub` (RFC 7644 §3.5.2 PATH grammar). */
function readWritten(rest: string, text: string, where: string): Written {
  const open = rest.indexOf('[');
  if (open < 0) {
    const parts = rest.split('.');
    if (parts.length > 2 || !parts.every((part) => ATTRIBUTE_NAME.test(part)))
      throw invalidPath(where, text, 'is not an attribute path');
    const [attribute, subAttribute] = parts as [string, string | undefined];
    return { attribute, ...(subAttribute !== undefined ? { subAttribute } : {}) };
  }
  const attribute = rest.slice(0, open);
  if (!ATTRIBUTE_NAME.test(attribute)) throw invalidPath(where, text, 'is not an attribute path');
  const close = closingBracket(rest, open);
  if (close < 0) throw invalidPath(where, text, 'is missing `]`');
  const after = rest.slice(close + 1);
  const sub = /^\.([A-Za-z][\w$-]*)$/.exec(after);
  if (after !== '' && !sub)
    throw invalidPath(where, text, `has \`${after}\` after \`]\`; only \`.subAttribute\` may follow`);
  return {
    attribute,
    filterText: rest.slice(open + 1, close),
    ...(sub?.[1] !== undefined ? { subAttribute: sub[1] } : {}),
  };
}

function readFilter(
  filterText: string,
  definition: AttributeDefinition,
  resourceType: ResourceTypeDefinition,
  text: string,
  where: string,
): Filter {
  if (definition.type !== 'complex' || !definition.multiValued)
    throw invalidPath(where, text, `filters \`${definition.name}\`, which is not a multi-valued complex attribute`);
  try {
    const filter = parseFilter(filterText);
    checkElementFilter(filter, definition, resourceType.name);
    return filter;
  } catch (error) {
    if (error instanceof ScimError) throw invalidPath(where, text, `has an invalid value filter (${error.detail})`);
    throw error;
  }
}

/**
 * The path as error details quote it. A path on a writeOnly attribute (`password`) is shown by the
 * attribute's name only: its filter or its text may hold the credential, which must reach no answer
 * or log (docs/security.md T35).
 */
function quotedPath(text: string, resourceType: ResourceTypeDefinition): string {
  const split = splitSchema(text.trim(), resourceType);
  const name = split && /^[A-Za-z][\w$-]*/.exec(split.rest)?.[0];
  const resolved = name ? resolveAttribute(resourceType, split.urn, name, undefined) : undefined;
  return resolved?.definition.mutability === 'writeOnly' ? `${resolved.definition.name}…` : text;
}

/**
 * Parses a PATCH path against a resource type. Returns undefined when it names no attribute (callers
 * decide: an explicit path is then 400 invalidPath, a key of a path-less value is ignored); throws 400
 * invalidPath when it is malformed.
 */
export function readPatchPath(
  text: string,
  resourceType: ResourceTypeDefinition,
  where: string,
): PatchPath | undefined {
  const split = splitSchema(text.trim(), resourceType);
  if (!split) return undefined;
  const quoted = quotedPath(text, resourceType);
  const written = readWritten(split.rest, quoted, where);
  const resolved = resolveAttribute(resourceType, split.urn, written.attribute, written.subAttribute);
  if (!resolved) return undefined;
  const filter =
    written.filterText !== undefined
      ? readFilter(written.filterText, resolved.definition, resourceType, quoted, where)
      : undefined;
  return {
    text,
    ...(resolved.extension !== undefined ? { extension: resolved.extension } : {}),
    attribute: resolved.definition.name,
    ...(filter !== undefined ? { filter } : {}),
    ...(resolved.subAttribute !== undefined ? { subAttribute: resolved.subAttribute.name } : {}),
  };
}

/** Parses an explicit PATCH path; 400 invalidPath when it is malformed or names no attribute. */
export function parsePatchPath(text: string, resourceType: ResourceTypeDefinition, where: string): PatchPath {
  const path = readPatchPath(text, resourceType, where);
  if (!path) throw invalidPath(where, quotedPath(text, resourceType), `names no attribute of ${resourceType.name}`);
  return path;
}

/** The definitions of a parsed path's attribute and sub-attribute. */
export function definitionsOf(path: PatchPath, resourceType: ResourceTypeDefinition): PathDefinitions {
  const resolved = resolveAttribute(resourceType, path.extension, path.attribute, path.subAttribute);
  if (!resolved)
    throw ScimError.badRequest('invalidPath', `path \`${path.text}\` names no attribute of ${resourceType.name}.`);
  return {
    definition: resolved.definition,
    ...(resolved.subAttribute ? { subDefinition: resolved.subAttribute } : {}),
  };
}

/** True when a client may not write the path: readOnly/immutable attributes (RFC 7643 §2.2), e.g. `id`, `meta.created`. */
export function isReadOnly({ definition, subDefinition }: PathDefinitions): boolean {
  const locked = (mutability: AttributeDefinition['mutability']) =>
    mutability === 'readOnly' || mutability === 'immutable';
  return locked(definition.mutability) || (subDefinition !== undefined && locked(subDefinition.mutability));
}
