import { ScimError } from '../../scim/errors';
import { decodeCursor, encodeCursor, parsePaging } from '../../scim/list';
import type { Clock, PageStart, ResourcePage, StoredResource } from '../ports';
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
function snapshotPosition(request: ScimRequest, clock: Clock): SnapshotPosition {
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
function snapshotPage<T extends { readonly id: string }>(
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

/**
 * The page of a walk a reconciliation read asks for, read through `list` (a strongly consistent
 * Query of one more than the page, to know whether a next page exists), with the walk's `asOf`.
 */
export async function readSnapshotPage(
  request: ScimRequest,
  clock: Clock,
  list: (start: PageStart, limit: number) => Promise<ResourcePage>,
): Promise<{ asOf: string; items: StoredResource[]; nextCursor?: string }> {
  const position = snapshotPosition(request, clock);
  const fetched = await list(position.afterId !== undefined ? { afterId: position.afterId } : {}, position.count + 1);
  return { asOf: position.asOf, ...snapshotPage(position, fetched.items) };
}
