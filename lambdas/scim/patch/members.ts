import { describeValue, ScimError } from '../errors';
import type { Filter } from '../filter';
import { isAbsent, isPlainObject } from '../resources/normalize';
import type { MemberDelta } from './operation';

/**
 * The member ids of a `members` value: a list of `{value, "$ref"?: null, type?, display?}` or one such
 * object (Entra sends `"$ref": null`, README §4 quirk 7). Absent or empty means none. Deduplicated.
 */
export function memberIds(value: unknown, where: string): string[] {
  if (isAbsent(value)) return [];
  const items = Array.isArray(value) ? value : [value];
  const ids = items.map((item, index) => {
    const id = isPlainObject(item) ? item.value : undefined;
    if (typeof id !== 'string' || id.trim() === '') {
      throw ScimError.badRequest(
        'invalidValue',
        `${where}: members[${index}] must be an object whose "value" is a member id, got ${describeValue(item)}.`,
      );
    }
    return id;
  });
  return [...new Set(ids)];
}

function filterIds(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = filterIds(filter.left);
    const right = filterIds(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const isValueEq =
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.attribute.toLowerCase() === 'value' &&
    filter.path.subAttribute === undefined;
  if (!isValueEq || filter.value === null) return undefined;
  return [filter.unquoted ?? String(filter.value)];
}

/**
 * The ids a `members[value eq "id"]` remove names (aadOptscim062020 dialect, README §3); `or` of
 * several `value eq` is accepted. Other filters would need the stored member list, so they are refused.
 */
export function memberFilterIds(filter: Filter, where: string): string[] {
  const ids = filterIds(filter);
  if (!ids)
    throw ScimError.badRequest(
      'invalidPath',
      `${where}: a members filter must be \`value eq "<id>"\`, optionally joined with \`or\`.`,
    );
  return [...new Set(ids)];
}

/** Only `remove` takes a members filter: add/replace by filter have no meaning for a reference list. */
export function checkMemberFilterOp(op: string, pathText: string, where: string): void {
  if (op !== 'remove')
    throw ScimError.badRequest(
      'invalidPath',
      `${where}: \`${pathText}\`: only remove takes a members filter; add or replace the members list instead.`,
    );
}

/** Folds member operations, in order, into a MemberDelta. */
export class MemberDeltaBuilder {
  private replaceAll: Set<string> | undefined;
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();
  private touched = false;

  add(ids: readonly string[]): void {
    this.touched = true;
    for (const id of ids) {
      if (this.replaceAll) this.replaceAll.add(id);
      else {
        this.added.add(id);
        this.removed.delete(id);
      }
    }
  }

  remove(ids: readonly string[]): void {
    this.touched = true;
    for (const id of ids) {
      if (this.replaceAll) this.replaceAll.delete(id);
      else {
        this.removed.add(id);
        this.added.delete(id);
      }
    }
  }

  replace(ids: readonly string[]): void {
    this.touched = true;
    this.replaceAll = new Set(ids);
    this.added.clear();
    this.removed.clear();
  }

  /** The delta, or undefined when no operation touched members. */
  build(): MemberDelta | undefined {
    if (!this.touched) return undefined;
    return {
      ...(this.replaceAll ? { replaceAll: [...this.replaceAll] } : {}),
      add: [...this.added],
      remove: [...this.removed],
    };
  }
}
