import type { Filter } from '../filter';
import type { ScimObject } from '../resources/normalize';

/** RFC 7644 §3.5.2 operation names, lower-cased (Entra sends `Add`/`Replace`/`Remove`: README §4 quirk 1). */
export type PatchOpName = 'add' | 'replace' | 'remove';

/** Most operations accepted in one PatchOp body (Entra batches many member changes per request, README §3). */
export const MAX_PATCH_OPERATIONS = 1000;

/**
 * Most comparisons the value filters of one PatchOp's paths may hold together (`members[…]` filters
 * aside: they only name ids). Each is evaluated against every value of its attribute (up to
 * MAX_VALUES_PER_ATTRIBUTE): 240 operations of 100 comparisons each took seconds. Entra writes one
 * comparison per operation (`emails[type eq "work"].value`, README §2.4).
 */
export const MAX_PATCH_FILTER_COMPARISONS = 1000;

/**
 * A PATCH target, RFC 7644 §3.5.2 `attrPath / valuePath [subAttr]`, resolved against the resource
 * type: names are canonical (schema case), so applying never has to resolve them again.
 */
export interface PatchPath {
  /** The path as the client wrote it, for error details. */
  readonly text: string;
  /** The extension schema URN for extension attributes (canonical case); undefined for core and common ones. */
  readonly extension?: string;
  /** Canonical attribute name, e.g. `emails`. */
  readonly attribute: string;
  /** The value filter of `emails[type eq "work"]`, relative to each element. */
  readonly filter?: Filter;
  /** Canonical sub-attribute name, e.g. `value` in `emails[type eq "work"].value` or `givenName` in `name.givenName`. */
  readonly subAttribute?: string;
}

/** One parsed operation; `index` is its position in `Operations`, for error details. */
export interface PatchOperation {
  readonly index: number;
  readonly op: PatchOpName;
  readonly path?: PatchPath;
  readonly value?: unknown;
}

/** Member changes of a group PATCH, as user/group ids, net of order. */
export interface MemberDelta {
  /** When set, the group's members become exactly this set (then add/remove are already folded into it). */
  readonly replaceAll?: readonly string[];
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export interface PatchResult {
  /** The new stored data (same shape normalizeResource produces: canonical names, extension attrs nested under their URN, no id/meta/members). */
  readonly data: ScimObject;
  /** Names of attributes whose value actually changed: core top-level names, extension ones as '<urn>:<attr>'. Empty when nothing changed. */
  readonly changed: readonly string[];
  /** Only for groups, only when an operation touched members. */
  readonly members?: MemberDelta;
}
