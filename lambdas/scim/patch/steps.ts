import { describeValue, ScimError } from '../errors';
import { findExtension, isAbsent, isPlainObject, normalizeValue } from '../resources/normalize';
import type { ResourceTypeDefinition } from '../schema/attributes';
import { checkMemberFilterOp, memberFilterIds, memberIds } from './members';
import type { PatchOpName, PatchOperation, PatchPath } from './operation';
import { definitionsOf, isReadOnly, readPatchPath, type PathDefinitions } from './path';

/** One operation on one path: a path-less add/replace becomes one step per key of its value. */
export interface PatchStep {
  readonly index: number;
  readonly op: PatchOpName;
  readonly path: PatchPath;
  /** The raw value; undefined when the operation carried none (a plain `remove`). */
  readonly value: unknown;
}

export function whereOf(index: number): string {
  return `Operations[${index}]`;
}

/** Group members live outside the resource data (README §3: 100,000-member groups). */
export function isMembersPath(path: PatchPath, resourceType: ResourceTypeDefinition): boolean {
  return resourceType.name === 'Group' && path.extension === undefined && path.attribute === 'members';
}

/**
 * The paths a path-less value object names (RFC 7644 §3.5.2.1/3). Keys may be plain (`displayName`),
 * dotted (`name.givenName`) or URN-qualified (`urn:…:User:department`), or an extension URN holding
 * an object (README §2.4 aadOptscim062020 dialect, quirk 3). ReadOnly keys (`id`, `meta`, `groups`)
 * and unknown ones (`schemas`) are skipped: Okta renames a group with `{"id": …, "displayName": …}`.
 */
function pathlessSteps(operation: PatchOperation, resourceType: ResourceTypeDefinition): PatchStep[] {
  const where = whereOf(operation.index);
  if (!isPlainObject(operation.value)) {
    throw ScimError.badRequest(
      'invalidValue',
      `${where}: an ${operation.op} without a path needs an object value, got ${describeValue(operation.value)}.`,
    );
  }
  const entries: [string, unknown][] = [];
  for (const [key, raw] of Object.entries(operation.value)) {
    const extension = findExtension(resourceType, key);
    if (!extension) entries.push([key, raw]);
    else if (isPlainObject(raw))
      entries.push(...Object.entries(raw).map(([sub, value]): [string, unknown] => [`${extension.id}:${sub}`, value]));
    else if (!isAbsent(raw))
      throw ScimError.badRequest('invalidValue', `${where}: "${extension.id}" must be an object.`);
  }
  return entries.flatMap(([key, value]) => {
    const path = readPatchPath(key, resourceType, where);
    if (!path || isReadOnly(definitionsOf(path, resourceType))) return [];
    return [{ index: operation.index, op: operation.op, path, value }];
  });
}

/**
 * The steps of one operation, in order. Steps on writeOnly attributes (`password`) are dropped before
 * their value is read, as POST and PUT drop them: this product never stores a credential, and its
 * value must never reach an error, a log line or the provisioning log (docs/security.md T24).
 */
export function expandOperation(operation: PatchOperation, resourceType: ResourceTypeDefinition): PatchStep[] {
  const steps = operation.path
    ? [{ index: operation.index, op: operation.op, path: operation.path, value: operation.value }]
    : pathlessSteps(operation, resourceType);
  return steps.filter((step) => definitionsOf(step.path, resourceType).definition.mutability !== 'writeOnly');
}

/** Accepts a one-element list where one element is expected (`emails[type eq "work"]` with `[{…}]`). */
function single(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/**
 * The step's value checked and canonicalised for its target (normalizeValue: "True" → true, length
 * limits, names in schema case); undefined means "no value" (`""` or null: clear, README §7 null-update test).
 */
export function normalizeTarget(step: PatchStep, { definition, subDefinition }: PathDefinitions): unknown {
  const where = `${whereOf(step.index)}: ${step.path.text}`;
  if (subDefinition) return normalizeValue(subDefinition, step.value, where);
  if (step.path.filter) return normalizeValue(definition, single(step.value), where, true);
  return normalizeValue(definition, step.value, where);
}

/** Checks a step's value without applying it, so parsePatchRequest rejects bad values up front. */
export function checkStep(step: PatchStep, resourceType: ResourceTypeDefinition): void {
  const where = whereOf(step.index);
  if (isMembersPath(step.path, resourceType)) {
    if (step.path.filter) {
      checkMemberFilterOp(step.op, step.path.text, where);
      memberFilterIds(step.path.filter, where);
    } else memberIds(step.value, where);
    return;
  }
  // A remove's value only matters for multi-valued attributes, and apply checks it there.
  if (step.op !== 'remove') normalizeTarget(step, definitionsOf(step.path, resourceType));
}
