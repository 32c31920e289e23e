import { COMMON_ATTRIBUTES, resolveAttribute, type AttributeDefinition, type ResourceTypeDefinition } from '../schema/attributes';
import { findExtension, isPlainObject, type ScimObject } from './normalize';

/**
 * One entry of an `attributes` or `excludedAttributes` list (RFC 7644 §3.9), resolved against the
 * resource type's schemas: names are canonical, extension attributes carry their schema URN.
 */
export interface AttributeSelector {
  /** The extension schema URN; undefined for core and common attributes. */
  readonly extension?: string;
  /** The attribute's canonical name; undefined when the selector names a whole extension. */
  readonly attribute?: string;
  readonly subAttribute?: string;
}

/** The two query parameters of RFC 7644 §3.9, as they arrive. */
export interface ProjectionQuery {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

/** Which sub-attributes of one attribute a list names: all of them, or the named ones. */
type Selection = Map<string, 'all' | Set<string>>;

/** What a list names in one schema scope: the whole extension, and attributes by canonical name. */
interface ScopeSelection {
  readonly whole: boolean;
  readonly byName: Selection;
}

function hasText(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '';
}

function parseSelector(entry: string, resourceType: ResourceTypeDefinition): AttributeSelector | undefined {
  const lower = entry.toLowerCase();
  let schemaUrn: string | undefined;
  let path = entry;
  for (const schema of [resourceType.schema, ...resourceType.extensions]) {
    const urn = schema.id.toLowerCase();
    if (lower === urn) return schema === resourceType.schema ? undefined : { extension: schema.id };
    if (lower.startsWith(`${urn}:`)) {
      schemaUrn = schema.id;
      path = entry.slice(urn.length + 1);
      break;
    }
  }
  // A URN this resource type does not have (another resource's schema, a custom extension).
  if (schemaUrn === undefined && lower.startsWith('urn:')) return undefined;
  const [attribute, subAttribute, ...rest] = path.split('.');
  if (attribute === undefined || rest.length > 0) return undefined;
  const resolved = resolveAttribute(resourceType, schemaUrn, attribute, subAttribute);
  if (!resolved) return undefined;
  return {
    ...(resolved.extension ? { extension: resolved.extension } : {}),
    attribute: resolved.definition.name,
    ...(resolved.subAttribute ? { subAttribute: resolved.subAttribute.name } : {}),
  };
}

/**
 * Parses an `attributes`/`excludedAttributes` value: comma-separated attribute names in RFC 7644
 * §3.10 notation, case-insensitive, optionally URN-prefixed, a bare extension URN naming the whole
 * extension. Names this resource type does not define are ignored rather than rejected: RFC 7644
 * §3.9 defines no error for them (unlike filters and PATCH paths), a name that is not defined can
 * never select or hide a value, and a client may reuse one list across resource types or name a
 * custom extension we do not serve; a 400 would break such a client without protecting anything.
 */
export function parseAttributeList(text: string | undefined, resourceType: ResourceTypeDefinition): AttributeSelector[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => parseSelector(entry, resourceType))
    .filter((selector): selector is AttributeSelector => selector !== undefined);
}

/** Selectors of one schema scope (core when `extension` is undefined), by canonical attribute name. */
function selectionOf(selectors: readonly AttributeSelector[], extension: string | undefined): ScopeSelection {
  const byName: Selection = new Map();
  let whole = false;
  for (const selector of selectors) {
    if (selector.extension !== extension) continue;
    if (selector.attribute === undefined) {
      whole = true;
      continue;
    }
    const current = byName.get(selector.attribute);
    if (selector.subAttribute === undefined || current === 'all') byName.set(selector.attribute, 'all');
    else byName.set(selector.attribute, (current ?? new Set<string>()).add(selector.subAttribute));
  }
  return { whole, byName };
}

function findDefinition(list: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return list?.find((candidate) => candidate.name.toLowerCase() === lower);
}

/**
 * `meta` is defined `returned: default`, but the ETag and Location headers are read from it
 * (RFC 7644 §3.14), so it stays in every representation, like `id` (`returned: always`).
 */
function isAlwaysReturned(definition: AttributeDefinition, core: boolean): boolean {
  return definition.returned === 'always' || (core && definition.name === 'meta');
}

/** Keeps the sub-attributes `keep` accepts in a complex value or in each item of a multi-valued one. */
function filterSubAttributes(definition: AttributeDefinition, value: unknown, keep: (sub: AttributeDefinition | undefined) => boolean): unknown {
  const filterOne = (item: unknown): unknown => {
    if (!isPlainObject(item)) return item;
    const kept = Object.entries(item).filter(([key]) => keep(findDefinition(definition.subAttributes, key)));
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(filterOne).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  return filterOne(value);
}

type Mode = 'include' | 'exclude';

/** One attribute's value after projection, or undefined when it is not shown. */
function projectValue(definition: AttributeDefinition | undefined, value: unknown, scope: ScopeSelection, mode: Mode, core: boolean): unknown {
  // Keys no schema defines are not ours to hide when excluding, and were not asked for when including.
  if (!definition) return mode === 'exclude' ? value : undefined;
  if (definition.returned === 'never') return undefined;
  const selected = scope.byName.get(definition.name);
  if (isAlwaysReturned(definition, core) || (mode === 'include' && (scope.whole || selected === 'all'))) {
    return definition.subAttributes ? filterSubAttributes(definition, value, (sub) => sub?.returned !== 'never') : value;
  }
  if (mode === 'include') {
    if (selected === undefined || selected === 'all') return undefined;
    const named = selected;
    return filterSubAttributes(definition, value, (sub) => sub !== undefined && (sub.returned === 'always' || (sub.returned !== 'never' && named.has(sub.name))));
  }
  if (definition.returned === 'request' || selected === 'all') return undefined;
  if (!definition.subAttributes) return value;
  const excluded = selected ?? new Set<string>();
  return filterSubAttributes(definition, value, (sub) => sub === undefined || sub.returned === 'always' || (sub.returned === 'default' && !excluded.has(sub.name)));
}

function projectObject(object: Record<string, unknown>, definitions: readonly AttributeDefinition[], scope: ScopeSelection, mode: Mode, core: boolean): ScimObject {
  const result: ScimObject = {};
  for (const [key, value] of Object.entries(object)) {
    const projected = projectValue(findDefinition(definitions, key), value, scope, mode, core);
    if (projected !== undefined) result[key] = projected;
  }
  return result;
}

/**
 * Applies `attributes` or `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) to a rendered resource.
 * `attributes` wins when both are given. `id`, `schemas` and `meta` are always kept, `returned:
 * never` attributes never shown; sub-attributes of complex and multi-valued attributes can be
 * selected or excluded one by one; `schemas` lists only the extensions still present.
 */
export function projectResource(resource: ScimObject, resourceType: ResourceTypeDefinition, query: ProjectionQuery): ScimObject {
  const mode: Mode = hasText(query.attributes) ? 'include' : 'exclude';
  const selectors = parseAttributeList(mode === 'include' ? query.attributes : query.excludedAttributes, resourceType);
  const coreDefinitions = [...COMMON_ATTRIBUTES, ...resourceType.schema.attributes];
  const result: ScimObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') {
      result.schemas = value;
      continue;
    }
    const extension = findExtension(resourceType, key);
    if (!extension) {
      const projected = projectValue(findDefinition(coreDefinitions, key), value, selectionOf(selectors, undefined), mode, true);
      if (projected !== undefined) result[key] = projected;
      continue;
    }
    const scope = selectionOf(selectors, extension.id);
    if (!isPlainObject(value) || (mode === 'exclude' && scope.whole)) continue;
    const projected = projectObject(value, extension.attributes, scope, mode, false);
    if (Object.keys(projected).length > 0) result[key] = projected;
  }
  if (Array.isArray(result.schemas)) {
    result.schemas = result.schemas.filter((urn: unknown) => {
      const extension = typeof urn === 'string' ? findExtension(resourceType, urn) : undefined;
      return !extension || Object.keys(result).some((key) => findExtension(resourceType, key) === extension);
    });
  }
  return result;
}

/**
 * Whether a response to this query shows `attribute` (a core or common attribute, or one of
 * `extension`'s) at all: lets the store skip reading it, e.g. a group's members for
 * `excludedAttributes=members` (../shared/entra/README.md §3), which keeps that read O(1).
 */
export function wantsAttribute(query: ProjectionQuery, resourceType: ResourceTypeDefinition, attribute: string, extension?: string): boolean {
  const resolved = resolveAttribute(resourceType, extension, attribute);
  if (!resolved) return false;
  const { definition } = resolved;
  if (definition.returned === 'never') return false;
  if (isAlwaysReturned(definition, resolved.extension === undefined)) return true;
  if (hasText(query.attributes)) {
    const { whole, byName } = selectionOf(parseAttributeList(query.attributes, resourceType), resolved.extension);
    return whole || byName.has(definition.name);
  }
  if (definition.returned === 'request') return false;
  const { whole, byName } = selectionOf(parseAttributeList(query.excludedAttributes, resourceType), resolved.extension);
  return !whole && byName.get(definition.name) !== 'all';
}
