import { ScimError } from '../errors';
import { matchesElement, type Filter } from '../filter';
import {
  checkResourceBounds,
  isAbsent,
  isPlainObject,
  MAX_VALUES_PER_ATTRIBUTE,
  normalizeValue,
  type ScimObject,
} from '../resources/normalize';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/attributes';
import { canonicalKey } from './deep-equal';
import { checkMemberFilterOp, MemberDeltaBuilder, memberFilterIds, memberIds } from './members';
import type { MemberDelta, PatchOperation, PatchResult } from './operation';
import { changedAttributes } from '../resources/changes';
import { definitionsOf, type PathDefinitions } from './path';
import { expandOperation, isMembersPath, normalizeTarget, whereOf, type PatchStep } from './steps';

function asList(value: unknown): unknown[] {
  if (isAbsent(value)) return [];
  return Array.isArray(value) ? [...value] : [value];
}

function findSub(definition: AttributeDefinition, name: string): AttributeDefinition | undefined {
  return definition.subAttributes?.find((sub) => sub.name.toLowerCase() === name.toLowerCase());
}

/** Sets or deletes `name`: empty values (undefined, [], {}) are never stored, as normalizeResource never stores them. */
function put(container: ScimObject, name: string, value: unknown): void {
  const empty =
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0);
  if (empty) delete container[name];
  else container[name] = value;
}

/** An element with nothing but qualifiers left (`{type: "work"}` after removing `.value`) says nothing: drop it. */
function isHollow(element: unknown): boolean {
  return (
    !isPlainObject(element) ||
    Object.keys(element).every((key) => key === 'type' || key === 'primary' || key === 'display')
  );
}

/**
 * The `eq` conditions of a value filter, as an element: `emails[type eq "work"]` upserts
 * `{type: "work"}` when no element matches (README §2.4: Entra expects replace-as-upsert, not noTarget).
 */
function eqConditions(filter: Filter, definition: AttributeDefinition): ScimObject {
  if (filter.kind === 'and')
    return { ...eqConditions(filter.left, definition), ...eqConditions(filter.right, definition) };
  if (
    filter.kind !== 'compare' ||
    filter.op !== 'eq' ||
    filter.value === null ||
    filter.path.schema !== undefined ||
    filter.path.subAttribute !== undefined
  )
    return {};
  const sub = findSub(definition, filter.path.attribute);
  if (!sub || sub.type === 'complex') return {};
  try {
    const value = normalizeValue(sub, filter.unquoted ?? filter.value, sub.name);
    return value === undefined ? {} : { [sub.name]: value };
  } catch (error) {
    if (error instanceof ScimError) return {};
    throw error;
  }
}

/** `emails[type eq "work"]` / `emails[type eq "work"].value`: change the matching elements, or upsert one. */
function applyFiltered(
  container: ScimObject,
  step: PatchStep,
  defs: PathDefinitions,
  resourceType: ResourceTypeDefinition,
): void {
  const { definition, subDefinition } = defs;
  const filter = step.path.filter as Filter;
  const items = asList(container[definition.name]);
  // Each element is matched once: the filter may hold 100 comparisons, the attribute 100 values.
  const matched = new Set(items.filter((item) => matchesElement(filter, item, definition, resourceType.name)));
  const matches = (item: unknown) => matched.has(item);
  const value = step.op === 'remove' ? undefined : normalizeTarget(step, defs);
  if (value === undefined) {
    // remove, or add/replace with "" / null: both clear the target (README §7 null-update test).
    const kept = subDefinition
      ? items
          .map((item) => (matches(item) && isPlainObject(item) ? withoutKey(item, subDefinition.name) : item))
          .filter((item) => !isHollow(item))
      : items.filter((item) => !matches(item));
    put(container, definition.name, kept);
    return;
  }
  const conditions = eqConditions(filter, definition);
  const patchOf = (item: ScimObject): ScimObject => {
    if (subDefinition) return { ...item, [subDefinition.name]: value };
    // replace swaps the whole element but keeps what the filter selected it by, so repeating it is idempotent.
    return step.op === 'replace' ? { ...conditions, ...(value as ScimObject) } : { ...item, ...(value as ScimObject) };
  };
  const next =
    matched.size > 0
      ? items.map((item) => (matches(item) && isPlainObject(item) ? patchOf(item) : item))
      : [...items, patchOf(conditions)];
  put(container, definition.name, next);
}

function withoutKey(object: ScimObject, key: string): ScimObject {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/** `name.givenName`, `manager.value`, or `emails.value` (every element, RFC 7644 §3.5.2.3). */
function applySubAttribute(container: ScimObject, step: PatchStep, defs: PathDefinitions): void {
  const { definition } = defs;
  const sub = (defs.subDefinition as AttributeDefinition).name;
  const value = step.op === 'remove' ? undefined : normalizeTarget(step, defs);
  const set = (item: ScimObject): ScimObject =>
    value === undefined ? withoutKey(item, sub) : { ...item, [sub]: value };
  if (!definition.multiValued) {
    put(
      container,
      definition.name,
      set(isPlainObject(container[definition.name]) ? (container[definition.name] as ScimObject) : {}),
    );
    return;
  }
  const items = asList(container[definition.name]).filter(isPlainObject);
  if (items.length === 0 && value !== undefined) items.push({});
  put(
    container,
    definition.name,
    items.map(set).filter((item) => !isHollow(item)),
  );
}

/** `remove` with a value list on a multi-valued attribute removes just those elements, like Entra's members form (README §3). */
function withoutListed(items: unknown[], listed: unknown[]): unknown[] {
  // A listed object with a `value` removes the elements with that value; anything else removes equal elements.
  const byValue = new Set<string>();
  const whole = new Set<string>();
  for (const candidate of listed) {
    if (isPlainObject(candidate) && candidate.value !== undefined) byValue.add(canonicalKey(candidate.value));
    else whole.add(canonicalKey(candidate));
  }
  return items.filter(
    (item) =>
      !(
        (isPlainObject(item) && item.value !== undefined && byValue.has(canonicalKey(item.value))) ||
        whole.has(canonicalKey(item))
      ),
  );
}

/** A whole attribute: set, append (add on multi-valued, skipping exact duplicates), merge (complex) or clear. */
function applyWhole(container: ScimObject, step: PatchStep, defs: PathDefinitions): void {
  const { definition } = defs;
  const current = container[definition.name];
  if (step.op === 'remove') {
    const listed = definition.multiValued && !isAbsent(step.value) ? asList(normalizeTarget(step, defs)) : [];
    put(container, definition.name, listed.length > 0 ? withoutListed(asList(current), listed) : undefined);
    return;
  }
  const value = normalizeTarget(step, defs);
  if (value === undefined || !definition.multiValued) {
    // RFC 7644 §3.5.2.1/3: a complex value merges its sub-attributes. A reference (`manager`, which
    // has `value`) is replaced whole instead, so a stale `$ref` never outlives its `value`.
    const merge =
      definition.type === 'complex' && !findSub(definition, 'value') && isPlainObject(current) && isPlainObject(value);
    put(container, definition.name, merge ? { ...current, ...value } : value);
    return;
  }
  if (step.op === 'replace') {
    put(container, definition.name, value);
    return;
  }
  const appended = asList(current);
  const present = new Set(appended.map(canonicalKey));
  for (const item of value as unknown[]) {
    const key = canonicalKey(item);
    if (present.has(key)) continue;
    present.add(key);
    appended.push(item);
  }
  put(container, definition.name, appended);
}

function applyMemberStep(step: PatchStep, delta: MemberDeltaBuilder): void {
  const where = whereOf(step.index);
  if (step.path.filter) {
    checkMemberFilterOp(step.op, step.path.text, where);
    delta.remove(memberFilterIds(step.path.filter, where));
    return;
  }
  if (step.op === 'add') delta.add(memberIds(step.value, where));
  else if (step.op === 'replace') delta.replace(memberIds(step.value, where));
  // RFC 7644 §3.5.2.2: remove without a value clears all members. With a value list (Entra's default
  // dialect, README §3 and §4 quirk 7) it removes only the listed ones: never clear all then.
  else if (step.value === undefined || step.value === null) delta.replace([]);
  else delta.remove(memberIds(step.value, where));
}

function applyStep(data: ScimObject, step: PatchStep, resourceType: ResourceTypeDefinition): void {
  const defs = definitionsOf(step.path, resourceType);
  const extension = step.path.extension;
  const container: ScimObject =
    extension === undefined ? data : isPlainObject(data[extension]) ? { ...(data[extension] as ScimObject) } : {};
  if (step.path.filter) applyFiltered(container, step, defs, resourceType);
  else if (defs.subDefinition) applySubAttribute(container, step, defs);
  else applyWhole(container, step, defs);
  if (extension !== undefined) put(data, extension, container);
}

/** Required attributes (userName, displayName) cannot be removed or cleared (RFC 7643 §7 "required"). */
function checkRequired(data: ScimObject, step: PatchStep, resourceType: ResourceTypeDefinition): void {
  if (step.path.extension !== undefined) return;
  const definition = resourceType.schema.attributes.find((candidate) => candidate.name === step.path.attribute);
  if (!definition?.required) return;
  const value = data[definition.name];
  if (isAbsent(value)) {
    throw ScimError.badRequest(
      'invalidValue',
      `${whereOf(step.index)}: ${definition.name} is required and cannot be removed or cleared.`,
    );
  }
  // As normalizeResource refuses it on POST and PUT: text of only whitespace (" ", "\t", U+00A0) is no name.
  if (typeof value === 'string' && value.trim() === '') {
    throw ScimError.badRequest(
      'invalidValue',
      `${whereOf(step.index)}: ${definition.name} is required and must be a non-empty ${definition.type}, not only whitespace.`,
    );
  }
}

/** How many values the step's attribute holds in `data` (0 when it is absent or single-valued). */
function valueCount(data: ScimObject, step: PatchStep): number {
  const { extension, attribute } = step.path;
  const container = extension === undefined ? data : data[extension];
  const value = isPlainObject(container) ? container[attribute] : undefined;
  return Array.isArray(value) ? value.length : 0;
}

/**
 * A step may not grow a multi-valued attribute past MAX_VALUES_PER_ATTRIBUTE, so the request fails
 * at the operation that crosses the bound. Checked only once all operations had run, 1,000 one-value
 * adds merged lists of up to 1,000 values each (seconds of work, then a 400), and 250 adds of 100
 * values lists of 25,000.
 */
function checkValueCount(data: ScimObject, step: PatchStep, before: number): void {
  const count = valueCount(data, step);
  if (count > MAX_VALUES_PER_ATTRIBUTE && count > before) {
    const { extension, attribute } = step.path;
    throw ScimError.badRequest(
      'invalidValue',
      `${whereOf(step.index)}: ${extension === undefined ? '' : `${extension}:`}${attribute} would hold ${count} values; the limit is ${MAX_VALUES_PER_ATTRIBUTE} per attribute.`,
    );
  }
}

/** The member delta of a PATCH alone (member steps never read the stored document). */
export function memberDeltaOf(
  operations: readonly PatchOperation[],
  resourceType: ResourceTypeDefinition,
): MemberDelta | undefined {
  const members = new MemberDeltaBuilder();
  for (const operation of operations) {
    for (const step of expandOperation(operation, resourceType)) {
      if (isMembersPath(step.path, resourceType)) applyMemberStep(step, members);
    }
  }
  return members.build();
}

/** Applies operations in order to `data` (never mutates the input); all or nothing: throws a ScimError and returns nothing on any bad op. */
export function applyPatch(
  data: ScimObject,
  operations: readonly PatchOperation[],
  resourceType: ResourceTypeDefinition,
): PatchResult {
  const next = structuredClone(data);
  const members = new MemberDeltaBuilder();
  for (const operation of operations) {
    for (const step of expandOperation(operation, resourceType)) {
      if (isMembersPath(step.path, resourceType)) {
        applyMemberStep(step, members);
        continue;
      }
      const before = valueCount(next, step);
      applyStep(next, step, resourceType);
      checkValueCount(next, step, before);
      checkRequired(next, step, resourceType);
    }
  }
  const delta = members.build();
  const changed = changedAttributes(data, next, resourceType);
  if (changed.length > 0) checkResourceBounds(next, resourceType);
  return { data: next, changed, ...(delta ? { members: delta } : {}) };
}
