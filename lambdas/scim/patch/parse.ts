import { describeValue, ScimError } from '../errors';
import { findExtension, isPlainObject } from '../resources/normalize';
import type { ResourceTypeDefinition } from '../schema/attributes';
import { PATCH_OP } from '../schema/urns';
import { MAX_PATCH_OPERATIONS, type PatchOpName, type PatchOperation } from './operation';
import { definitionsOf, isReadOnly, parsePatchPath } from './path';
import { checkStep, expandOperation, whereOf } from './steps';

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

/** Parses an RFC 7644 §3.5.2 PatchOp body; throws ScimError 400 (invalidSyntax / invalidPath / invalidValue) naming Operations[i]. */
export function parsePatchRequest(body: unknown, resourceType: ResourceTypeDefinition): PatchOperation[] {
  const operations = checkEnvelope(body).map((raw, index) => parseOperation(raw, index, resourceType));
  for (const operation of operations) {
    for (const step of expandOperation(operation, resourceType)) checkStep(step, resourceType);
  }
  return operations;
}
