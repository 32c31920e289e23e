import { ScimError } from '../errors';
import { checkElementFilter, closingBracket, matchesElement, parseFilter, type Filter } from '../filter';
import {
  COMMON_ATTRIBUTES,
  resolveAttribute,
  type AttributeDefinition,
  type ResourceTypeDefinition,
} from '../schema/attributes';
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
  /**
   * A value filter (`emails[type eq "work"]`): the entry names only the elements of a multi-valued
   * attribute that match it, as Microsoft's reference server reads it.
   */
  readonly valueFilter?: Filter;
}

/** The two query parameters of RFC 7644 §3.9, as they arrive. */
export interface ProjectionQuery {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

/**
 * What one list entry names of an attribute: the elements its value filter matches (every element
 * without one), and of those all sub-attributes or the named ones.
 */
interface Part {
  readonly filter?: Filter;
  readonly subs: 'all' | ReadonlySet<string>;
}

/** The parts a list names, by canonical attribute name. */
type Selection = Map<string, Part[]>;

/** Does the list name the whole attribute (every element, every sub-attribute)? */
function namesWhole(parts: readonly Part[] | undefined): boolean {
  return parts?.some((part) => part.filter === undefined && part.subs === 'all') ?? false;
}

/** What a list names in one schema scope: the whole extension, and attributes by canonical name. */
interface ScopeSelection {
  readonly whole: boolean;
  readonly byName: Selection;
}

function hasText(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '';
}

function invalidEntry(parameter: string, entry: string, problem: string): ScimError {
  return ScimError.badRequest('invalidValue', `${parameter}: \`${entry}\` ${problem}.`);
}

/** Splits a list at the commas that are outside a value filter's brackets and quoted strings. */
function splitEntries(text: string): string[] {
  const entries: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '[') {
      const close = closingBracket(text, i);
      // An unclosed bracket: the rest is one entry, refused when it is parsed.
      if (close < 0) break;
      i = close;
    } else if (text[i] === ',') {
      entries.push(text.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(text.slice(start));
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * Splits `attr[filter]` or `attr[filter].sub` into the name (`attr`, `attr.sub`) and the filter
 * text; an entry without brackets comes back whole. Throws 400 invalidValue when malformed.
 */
function splitValueFilter(path: string, entry: string, parameter: string): { name: string; filterText?: string } {
  const open = path.indexOf('[');
  if (open < 0) {
    if (path.includes(']')) throw invalidEntry(parameter, entry, 'has `]` without `[`');
    return { name: path };
  }
  const close = closingBracket(path, open);
  if (close < 0) throw invalidEntry(parameter, entry, 'is missing `]`');
  const after = path.slice(close + 1);
  if (after !== '' && !/^\.[A-Za-z][\w$-]*$/.test(after))
    throw invalidEntry(parameter, entry, `has \`${after}\` after \`]\`; only \`.subAttribute\` may follow`);
  return { name: `${path.slice(0, open)}${after}`, filterText: path.slice(open + 1, close) };
}

function parseValueFilter(
  filterText: string,
  definition: AttributeDefinition,
  resourceType: ResourceTypeDefinition,
  entry: string,
  parameter: string,
): Filter {
  if (definition.type !== 'complex' || !definition.multiValued)
    throw invalidEntry(
      parameter,
      entry,
      `filters \`${definition.name}\`, which is not a multi-valued complex attribute`,
    );
  try {
    const filter = parseFilter(filterText);
    checkElementFilter(filter, definition, resourceType.name);
    return filter;
  } catch (error) {
    if (error instanceof ScimError)
      throw invalidEntry(parameter, entry, `has an invalid value filter (${error.detail})`);
    throw error;
  }
}

function parseSelector(
  entry: string,
  resourceType: ResourceTypeDefinition,
  parameter: string,
): AttributeSelector | undefined {
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
  // Brackets are checked before names are resolved: a malformed value filter is refused even when
  // the attribute it is attached to is one this resource type does not have.
  const { name, filterText } = splitValueFilter(path, entry, parameter);
  if (filterText !== undefined) parseFilter(filterText);
  // A URN this resource type does not have (another resource's schema, a custom extension).
  if (schemaUrn === undefined && lower.startsWith('urn:')) return undefined;
  const [attribute, subAttribute, ...rest] = name.split('.');
  if (attribute === undefined || rest.length > 0) return undefined;
  const resolved = resolveAttribute(resourceType, schemaUrn, attribute, subAttribute);
  if (!resolved) return undefined;
  const valueFilter =
    filterText !== undefined
      ? parseValueFilter(filterText, resolved.definition, resourceType, entry, parameter)
      : undefined;
  return {
    ...(resolved.extension ? { extension: resolved.extension } : {}),
    attribute: resolved.definition.name,
    ...(resolved.subAttribute ? { subAttribute: resolved.subAttribute.name } : {}),
    ...(valueFilter ? { valueFilter } : {}),
  };
}

/**
 * Parses an `attributes`/`excludedAttributes` value: comma-separated attribute names in RFC 7644
 * §3.10 notation, case-insensitive, optionally URN-prefixed, a bare extension URN naming the whole
 * extension. Names this resource type does not define are ignored rather than rejected: RFC 7644
 * §3.9 defines no error for them (unlike filters and PATCH paths), a name that is not defined can
 * never select or hide a value, and a client may reuse one list across resource types or name a
 * custom extension we do not serve; a 400 would break such a client without protecting anything.
 * A multi-valued attribute may carry a value filter (`emails[type eq "work"]`,
 * `emails[type eq "work"].value`, as in a PATCH path, RFC 7644 §3.5.2): the entry then names the
 * matching elements only. A value filter that does not parse, or that names no sub-attribute, is
 * 400 invalidValue: ignoring it would answer with the attribute silently emptied.
 */
export function parseAttributeList(
  text: string | undefined,
  resourceType: ResourceTypeDefinition,
  parameter = 'attributes',
): AttributeSelector[] {
  if (text === undefined) return [];
  return splitEntries(text)
    .map((entry) => {
      try {
        return parseSelector(entry, resourceType, parameter);
      } catch (error) {
        if (error instanceof ScimError && error.scimType === 'invalidFilter')
          throw invalidEntry(parameter, entry, `has an invalid value filter (${error.detail})`);
        throw error;
      }
    })
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
    const part: Part = {
      ...(selector.valueFilter ? { filter: selector.valueFilter } : {}),
      subs: selector.subAttribute === undefined ? 'all' : new Set([selector.subAttribute]),
    };
    byName.set(selector.attribute, [...(byName.get(selector.attribute) ?? []), part]);
  }
  return { whole, byName };
}

function findDefinition(
  list: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
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

/**
 * Keeps, in a complex value or in each element of a multi-valued one, the sub-attributes `keep`
 * accepts for that element; `keep` returning undefined drops the element.
 */
function filterSubAttributes(
  definition: AttributeDefinition,
  value: unknown,
  keep: (element: ScimObject) => ((sub: AttributeDefinition | undefined) => boolean) | undefined,
): unknown {
  const filterOne = (item: unknown): unknown => {
    if (!isPlainObject(item)) return item;
    const accepts = keep(item);
    if (!accepts) return undefined;
    const kept = Object.entries(item).filter(([key]) => accepts(findDefinition(definition.subAttributes, key)));
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(filterOne).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  return filterOne(value);
}

type Mode = 'include' | 'exclude';

/** The parts that apply to one element: those without a value filter and those whose filter it matches. */
function partsFor(parts: readonly Part[], element: ScimObject, definition: AttributeDefinition): Part[] {
  return parts.filter((part) => part.filter === undefined || matchesElement(part.filter, element, definition));
}

/** The sub-attributes the applying parts name: all, or the union of the named ones. */
function namedSubs(parts: readonly Part[]): 'all' | Set<string> {
  if (parts.some((part) => part.subs === 'all')) return 'all';
  return new Set(parts.flatMap((part) => [...(part.subs as ReadonlySet<string>)]));
}

/** One attribute's value after projection, or undefined when it is not shown. */
function projectValue(
  definition: AttributeDefinition | undefined,
  value: unknown,
  scope: ScopeSelection,
  mode: Mode,
  core: boolean,
): unknown {
  // Keys no schema defines are not ours to hide when excluding, and were not asked for when including.
  if (!definition) return mode === 'exclude' ? value : undefined;
  if (definition.returned === 'never') return undefined;
  const parts = scope.byName.get(definition.name);
  if (isAlwaysReturned(definition, core) || (mode === 'include' && (scope.whole || namesWhole(parts)))) {
    return definition.subAttributes
      ? filterSubAttributes(definition, value, () => (sub) => sub?.returned !== 'never')
      : value;
  }
  if (mode === 'include') {
    if (parts === undefined) return undefined;
    return filterSubAttributes(definition, value, (element) => {
      const applying = partsFor(parts, element, definition);
      if (applying.length === 0) return undefined;
      const named = namedSubs(applying);
      if (named === 'all') return (sub) => sub?.returned !== 'never';
      return (sub) =>
        sub !== undefined && (sub.returned === 'always' || (sub.returned !== 'never' && named.has(sub.name)));
    });
  }
  if (definition.returned === 'request' || namesWhole(parts)) return undefined;
  if (!definition.subAttributes) return value;
  // excludedAttributes with a value filter hides the matching elements (or their named sub-attributes).
  return filterSubAttributes(definition, value, (element) => {
    const excluded = namedSubs(partsFor(parts ?? [], element, definition));
    if (excluded === 'all') return undefined;
    return (sub) =>
      sub === undefined || sub.returned === 'always' || (sub.returned === 'default' && !excluded.has(sub.name));
  });
}

function projectObject(
  object: Record<string, unknown>,
  definitions: readonly AttributeDefinition[],
  scope: ScopeSelection,
  mode: Mode,
  core: boolean,
): ScimObject {
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
export function projectResource(
  resource: ScimObject,
  resourceType: ResourceTypeDefinition,
  query: ProjectionQuery,
): ScimObject {
  const mode: Mode = hasText(query.attributes) ? 'include' : 'exclude';
  const selectors =
    mode === 'include'
      ? parseAttributeList(query.attributes, resourceType)
      : parseAttributeList(query.excludedAttributes, resourceType, 'excludedAttributes');
  const coreDefinitions = [...COMMON_ATTRIBUTES, ...resourceType.schema.attributes];
  const result: ScimObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') {
      result.schemas = value;
      continue;
    }
    const extension = findExtension(resourceType, key);
    if (!extension) {
      const projected = projectValue(
        findDefinition(coreDefinitions, key),
        value,
        selectionOf(selectors, undefined),
        mode,
        true,
      );
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
export function wantsAttribute(
  query: ProjectionQuery,
  resourceType: ResourceTypeDefinition,
  attribute: string,
  extension?: string,
): boolean {
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
  const { whole, byName } = selectionOf(
    parseAttributeList(query.excludedAttributes, resourceType, 'excludedAttributes'),
    resolved.extension,
  );
  return !whole && !namesWhole(byName.get(definition.name));
}
