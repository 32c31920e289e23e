import { ScimError } from '../../scim/errors';
import { decodeCursor, encodeCursor, parsePaging } from '../../scim/list';
import type { Clock } from '../ports';
import type { ScimRequest } from '../request';

/** Where a reconciliation read is: after which id, and when its first page was read. */
export interface SnapshotPosition {
  readonly afterId?: string;
  /** Server time of the first page, carried by every cursor of the walk (docs/events.md "Rebuilding state"). */
  readonly asOf: string;
  /** Page size, 1 to MAX_PAGE_SIZE. */
  readonly count: number;
}

/**
 * Reads `count` and `cursor` of a reconciliation read (cursor paging only, RFC 9865 style). No
 * cursor starts a walk now; a cursor this service did not issue is 400 invalidCursor.
 */
export function snapshotPosition(request: ScimRequest, clock: Clock): SnapshotPosition {
  const paging = parsePaging({ ...request.query, cursor: request.query.cursor ?? '' });
  const count = Math.max(1, paging.count);
  if (paging.kind !== 'cursor' || paging.cursor === undefined) return { asOf: clock.now().toISOString(), count };
  const position = decodeCursor(paging.cursor);
  const { afterId, asOf } = position;
  if (typeof afterId !== 'string' || afterId === '' || typeof asOf !== 'string' || Number.isNaN(Date.parse(asOf))) {
    throw ScimError.badRequest('invalidCursor', 'cursor is not a cursor of this listing: start again without one.');
  }
  return { afterId, asOf, count };
}

/** One page of a walk: the first `count` items, and a cursor when the store had more. */
export function snapshotPage<T extends { readonly id: string }>(
  position: SnapshotPosition,
  fetched: readonly T[],
): { items: T[]; nextCursor?: string } {
  const items = fetched.slice(0, position.count);
  const last = items.at(-1);
  return {
    items,
    ...(fetched.length > position.count && last
      ? { nextCursor: encodeCursor({ afterId: last.id, asOf: position.asOf }) }
      : {}),
  };
}
