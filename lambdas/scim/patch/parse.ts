import { describeValue, ScimError } from '../errors';
import type { Filter } from '../filter';
import { findExtension, isPlainObject } from '../resources/normalize';
import type { ResourceTypeDefinition } from '../schema/attributes';
import { PATCH_OP } from '../schema/urns';
import { MAX_PATCH_FILTER_COMPARISONS, MAX_PATCH_OPERATIONS, type PatchOpName, type PatchOperation } from './operation';
import { definitionsOf, isReadOnly, parsePatchPath } from './path';
import { checkStep, expandOperation, isMembersPath, whereOf } from './steps';

const OP_NAMES: ReadonlySet<string> = new Set(['add', 'replace', 'remove']);

/** A member of a JSON object by case-insensitive name (`Operations`, `op`, `path`, `value`). */
function member(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key !== undefined ? object[key] : undefined;
}

function hasMember(object: Record<string, unknown>, name: string): boolean {
  return Object.keys(object).some((candidate) => candidate.toLowerCase() === name.toLowerCase());
}

function checkEnvelope(body: unknown): unknown[] {
  if (!isPlainObject(body))
    throw ScimError.badRequest('invalidSyntax', 'The request body must be a PatchOp JSON object (RFC 7644 §3.5.2).');
  const schemas = member(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === PATCH_OP.toLowerCase())
  ) {
    throw ScimError.badRequest('invalidSyntax', `"schemas" must be an array containing "${PATCH_OP}".`);
  }
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.badRequest('invalidSyntax', '"Operations" must be a non-empty array of operations.');
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.badRequest(
      'invalidValue',
      `"Operations" has ${operations.length} operations; the limit is ${MAX_PATCH_OPERATIONS} per request: split the change into several PATCH requests.`,
    );
  }
  return operations;
}

function parseOpName(raw: unknown, where: string): PatchOpName {
  // Entra's default dialect capitalises op names (README §2.4, quirk 1).
  const name = typeof raw === 'string' ? raw.toLowerCase() : undefined;
  if (name === undefined || !OP_NAMES.has(name)) {
    throw ScimError.badRequest(
      'invalidSyntax',
      `${where}: "op" must be "add", "replace" or "remove", got ${describeValue(raw)}.`,
    );
  }
  return name as PatchOpName;
}

function parseOperation(raw: unknown, index: number, resourceType: ResourceTypeDefinition): PatchOperation {
  const where = whereOf(index);
  if (!isPlainObject(raw))
    throw ScimError.badRequest('invalidSyntax', `${where} must be an object with "op", "path" and "value".`);
  const op = parseOpName(member(raw, 'op'), where);
  const pathText = member(raw, 'path');
  if (pathText !== undefined && pathText !== null && typeof pathText !== 'string') {
    throw ScimError.badRequest('invalidPath', `${where}: "path" must be a string, got ${describeValue(pathText)}.`);
  }
  const hasPath = typeof pathText === 'string' && pathText.trim() !== '';
  // RFC 7644 §3.5.2.2: a remove without a path fails with noTarget.
  if (op === 'remove' && !hasPath) throw ScimError.badRequest('noTarget', `${where}: a remove needs a "path".`);
  if (op !== 'remove' && !hasMember(raw, 'value'))
    throw ScimError.badRequest('invalidValue', `${where}: an ${op} needs a "value".`);
  const value = member(raw, 'value');
  // A path naming an extension schema itself (`urn:…:enterprise:2.0:User`) is a path-less value nested under that URN.
  const extension = hasPath ? findExtension(resourceType, pathText.trim()) : undefined;
  if (extension && op !== 'remove') return { index, op, value: { [extension.id]: value } };
  const path = hasPath ? parsePatchPath(pathText, resourceType, where) : undefined;
  if (path && isReadOnly(definitionsOf(path, resourceType))) {
    throw ScimError.badRequest(
      'mutability',
      `${where}: \`${path.text}\` is read-only or immutable and cannot be changed.`,
    );
  }
  return { index, op, ...(path ? { path } : {}), ...(value !== undefined ? { value } : {}) };
}

/** Comparisons (`eq`…, `pr`) in a filter. */
function comparisonsOf(filter: Filter): number {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return comparisonsOf(filter.left) + comparisonsOf(filter.right);
    case 'not':
    case 'valuePath':
      return comparisonsOf(filter.filter);
    default:
      return 1;
  }
}

/** Parses an RFC 7644 §3.5.2 PatchOp body; throws ScimError 400 (invalidSyntax / invalidPath / invalidValue) naming Operations[i]. */
export function parsePatchRequest(body: unknown, resourceType: ResourceTypeDefinition): PatchOperation[] {
  const operations: PatchOperation[] = [];
  let comparisons = 0;
  for (const [index, raw] of checkEnvelope(body).entries()) {
    const operation = parseOperation(raw, index, resourceType);
    for (const step of expandOperation(operation, resourceType)) {
      // Counted operation by operation (path-less value keys too), so a body past the bound is refused before the rest is read.
      if (step.path.filter && !isMembersPath(step.path, resourceType)) comparisons += comparisonsOf(step.path.filter);
      if (comparisons > MAX_PATCH_FILTER_COMPARISONS) {
        throw ScimError.badRequest(
          'invalidValue',
          `${whereOf(index)}: the value filters of the paths up to here hold ${comparisons} comparisons; the limit is ${MAX_PATCH_FILTER_COMPARISONS} per request: split the change into several PATCH requests.`,
        );
      }
      checkStep(step, resourceType);
    }
    operations.push(operation);
  }
  return operations;
}
