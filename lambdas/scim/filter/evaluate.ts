import { describeValue, ScimError } from '../errors';
import { isAbsent, isPlainObject, type ScimObject } from '../resources/normalize';
import { resolveAttribute, type AttributeDefinition, type ResourceTypeDefinition } from '../schema/attributes';
import type { AttributePath, CompareOperator, Filter, FilterValue } from './ast';

/** The attribute a path names, and the leaf values it holds in one resource (or one element). */
interface Located {
  readonly definition: AttributeDefinition;
  readonly values: readonly unknown[];
}

/** Resolves attribute paths in one scope: the resource itself, or one element inside `emails[…]`. */
interface Scope {
  define(path: AttributePath): {
    definition: AttributeDefinition;
    subAttribute?: AttributeDefinition;
    extension?: string;
  };
  lookup(path: AttributePath): Located;
  /** The elements of a complex attribute, for `attr[filter]` (one element when single-valued). */
  elements(path: AttributePath): unknown[];
}

function pathText(path: AttributePath): string {
  return `${path.schema !== undefined ? `${path.schema}:` : ''}${path.attribute}${path.subAttribute !== undefined ? `.${path.subAttribute}` : ''}`;
}

function unknownAttribute(path: AttributePath, resourceType: string): ScimError {
  return ScimError.badRequest(
    'invalidFilter',
    `filter names "${pathText(path)}", which is not an attribute of ${resourceType}.`,
  );
}

function asArray(value: unknown): unknown[] {
  if (isAbsent(value)) return [];
  return Array.isArray(value) ? value : [value];
}

function findSub(definition: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return definition.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

/**
 * The leaf values of an attribute. A complex attribute compared without a sub-attribute compares its
 * `value` sub-attribute (RFC 7644 §3.4.2.2: `emails co "@example.com"`).
 */
function leaves(definition: AttributeDefinition, raw: unknown, subAttribute?: AttributeDefinition): Located {
  const items = asArray(raw);
  const sub = subAttribute ?? (definition.type === 'complex' ? findSub(definition, 'value') : undefined);
  if (!sub) return { definition, values: items };
  return { definition: sub, values: items.flatMap((item) => (isPlainObject(item) ? asArray(item[sub.name]) : [])) };
}

function resourceScope(resource: ScimObject, resourceType: ResourceTypeDefinition): Scope {
  const define: Scope['define'] = (path) => {
    const resolved =
      resolveAttribute(resourceType, path.schema, path.attribute, path.subAttribute) ??
      // An unqualified name the core schema lacks may be an extension's: Entra's old reference check
      // filters on `manager eq "<id>"` (../shared/entra/README.md §2.5).
      (path.schema === undefined
        ? resourceType.extensions
            .map((extension) => resolveAttribute(resourceType, extension.id, path.attribute, path.subAttribute))
            .find(Boolean)
        : undefined);
    if (!resolved) throw unknownAttribute(path, resourceType.name);
    return resolved;
  };
  return {
    define,
    lookup(path) {
      const { definition, subAttribute, extension } = define(path);
      const container = extension !== undefined ? resource[extension] : resource;
      return leaves(definition, isPlainObject(container) ? container[definition.name] : undefined, subAttribute);
    },
    elements(path) {
      const { definition, extension } = define(path);
      const container = extension !== undefined ? resource[extension] : resource;
      return asArray(isPlainObject(container) ? container[definition.name] : undefined);
    },
  };
}

function elementScope(parent: AttributeDefinition, element: unknown, resourceType: string): Scope {
  const define: Scope['define'] = (path) => {
    const definition =
      path.schema === undefined && path.subAttribute === undefined ? findSub(parent, path.attribute) : undefined;
    if (!definition) throw unknownAttribute({ attribute: `${parent.name}.${pathText(path)}` }, resourceType);
    return { definition };
  };
  return {
    define,
    lookup(path) {
      const { definition } = define(path);
      return leaves(definition, isPlainObject(element) ? element[definition.name] : undefined);
    },
    // Sub-attributes are never complex (RFC 7643 §2.3.8), and check() rejects `sub[…]` before this.
    elements: () => [],
  };
}

function fold(text: string, caseExact: boolean): string {
  const normalized = text.normalize('NFC');
  return caseExact ? normalized : normalized.toLowerCase();
}

/** An xsd:dateTime as epoch milliseconds, so `gt`/`lt` compare instants whatever the offset notation. */
function timeOf(value: unknown): number | undefined {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}

/** Attribute types compared as (case-folded) text. */
const isTextual = (definition: AttributeDefinition) =>
  !['boolean', 'integer', 'decimal', 'dateTime'].includes(definition.type);

/** A stored value as a comparable one of the attribute's type; undefined when it is not of that type. */
function actualOf(definition: AttributeDefinition, value: unknown): string | number | boolean | undefined {
  switch (definition.type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? value : undefined;
    case 'dateTime':
      return timeOf(value);
    default:
      return typeof value === 'string' ? fold(value, definition.caseExact) : undefined;
  }
}

/**
 * The operand of a comparison, converted to the attribute's type like a stored value, except that a
 * boolean attribute also takes a quoted "true"/"false" and a textual one an unquoted literal (as
 * written); undefined when it cannot be converted.
 */
function operand(
  definition: AttributeDefinition,
  value: FilterValue,
  unquoted: string | undefined,
): string | number | boolean | undefined {
  if (definition.type === 'boolean' && typeof value === 'string' && /^(true|false)$/i.test(value))
    return value.toLowerCase() === 'true';
  if (isTextual(definition) && value !== null && typeof value !== 'string')
    return fold(unquoted ?? String(value), definition.caseExact);
  return actualOf(definition, value);
}

function compareOne(
  op: CompareOperator,
  actual: string | number | boolean,
  expected: string | number | boolean,
): boolean {
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'co':
      return (actual as string).includes(expected as string);
    case 'sw':
      return (actual as string).startsWith(expected as string);
    case 'ew':
      return (actual as string).endsWith(expected as string);
    case 'gt':
      return actual > expected;
    case 'ge':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'le':
      return actual <= expected;
  }
}

const STRING_TYPES: ReadonlySet<string> = new Set(['string', 'reference', 'binary']);

/** Rejects what could never match for a reason the client should know: unknown names, wrong types. */
function checkComparison(filter: Extract<Filter, { kind: 'compare' }>, definition: AttributeDefinition): void {
  const name = pathText(filter.path);
  if (definition.type === 'complex') {
    throw ScimError.badRequest(
      'invalidFilter',
      `filter compares "${name}", a complex attribute; compare one of its sub-attributes.`,
    );
  }
  if ((filter.op === 'co' || filter.op === 'sw' || filter.op === 'ew') && !STRING_TYPES.has(definition.type)) {
    throw ScimError.badRequest(
      'invalidFilter',
      `filter uses "${filter.op}" on "${name}", which is a ${definition.type}; "${filter.op}" applies to strings.`,
    );
  }
  if (
    (filter.op === 'gt' || filter.op === 'ge' || filter.op === 'lt' || filter.op === 'le') &&
    definition.type === 'boolean'
  ) {
    throw ScimError.badRequest('invalidFilter', `filter uses "${filter.op}" on "${name}", which is a boolean.`);
  }
  if (filter.value === null) {
    if (filter.op !== 'eq' && filter.op !== 'ne') {
      throw ScimError.badRequest(
        'invalidFilter',
        `filter compares "${name}" to null with "${filter.op}"; only eq and ne accept null.`,
      );
    }
    return;
  }
  if (operand(definition, filter.value, filter.unquoted) === undefined) {
    throw ScimError.badRequest(
      'invalidFilter',
      `filter compares "${name}", which is a ${definition.type}, to ${describeValue(filter.value)}.`,
    );
  }
}

function check(filter: Filter, scope: Scope, resourceType: string): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      check(filter.left, scope, resourceType);
      check(filter.right, scope, resourceType);
      return;
    case 'not':
      check(filter.filter, scope, resourceType);
      return;
    case 'present':
      scope.define(filter.path);
      return;
    case 'compare': {
      const { definition, subAttribute } = scope.define(filter.path);
      checkComparison(filter, leaves(definition, undefined, subAttribute).definition);
      return;
    }
    case 'valuePath': {
      const { definition, subAttribute } = scope.define(filter.path);
      if (subAttribute || definition.type !== 'complex') {
        throw ScimError.badRequest(
          'invalidFilter',
          `filter uses "${pathText(filter.path)}[…]", but only complex attributes take a value filter.`,
        );
      }
      check(filter.filter, elementScope(definition, {}, resourceType), resourceType);
      return;
    }
  }
}

function evaluate(filter: Filter, scope: Scope, resourceType: string): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluate(filter.left, scope, resourceType) && evaluate(filter.right, scope, resourceType);
    case 'or':
      return evaluate(filter.left, scope, resourceType) || evaluate(filter.right, scope, resourceType);
    case 'not':
      return !evaluate(filter.filter, scope, resourceType);
    case 'present':
      return scope.lookup(filter.path).values.some((value) => !isAbsent(value));
    case 'compare': {
      const { definition, values } = scope.lookup(filter.path);
      if (filter.value === null) {
        const present = values.some((value) => !isAbsent(value));
        return filter.op === 'eq' ? !present : present;
      }
      const expected = operand(definition, filter.value, filter.unquoted);
      if (expected === undefined) return false;
      const actuals = values.map((value) => actualOf(definition, value)).filter((value) => value !== undefined);
      // `ne` holds when no value equals the operand, including when the attribute is absent.
      if (filter.op === 'ne') return !actuals.some((actual) => actual === expected);
      return actuals.some((actual) => compareOne(filter.op, actual, expected));
    }
    case 'valuePath': {
      const { definition } = scope.define(filter.path);
      return scope
        .elements(filter.path)
        .some((element) => evaluate(filter.filter, elementScope(definition, element, resourceType), resourceType));
    }
  }
}

/**
 * Checks a parsed filter against a resource type: every attribute exists, every operator suits its
 * attribute's type. Throws 400 `invalidFilter` naming the problem; call it before any storage work.
 */
export function checkFilter(filter: Filter, resourceType: ResourceTypeDefinition): void {
  check(filter, resourceScope({}, resourceType), resourceType.name);
}

/** Does a rendered resource match the filter? Call checkFilter first. */
export function evaluateFilter(filter: Filter, resource: ScimObject, resourceType: ResourceTypeDefinition): boolean {
  return evaluate(filter, resourceScope(resource, resourceType), resourceType.name);
}

/**
 * Checks a value filter (the `type eq "work"` of a PATCH path `emails[type eq "work"]`) against the
 * sub-attributes of `parent`. Throws 400 `invalidFilter` naming the problem.
 */
export function checkElementFilter(
  filter: Filter,
  parent: AttributeDefinition,
  resourceTypeName: string = parent.name,
): void {
  check(filter, elementScope(parent, {}, resourceTypeName), resourceTypeName);
}

/** Does one element of a multi-valued attribute match a value filter? Call checkElementFilter first. */
export function matchesElement(
  filter: Filter,
  element: unknown,
  parent: AttributeDefinition,
  resourceTypeName: string = parent.name,
): boolean {
  return evaluate(filter, elementScope(parent, element, resourceTypeName), resourceTypeName);
}
