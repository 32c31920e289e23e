import { describeValue, ScimError } from './errors';
import { isPlainObject } from './resources/normalize';

/** Page size when a client sends no `count` (RFC 7644 §3.4.2.4 leaves the default to the provider). */
export const DEFAULT_PAGE_SIZE = 100;

/** Largest page served; a larger `count` is lowered to it (RFC 7644 §3.4.2.4), never rejected. */
export const MAX_PAGE_SIZE = 200;

/** Longest cursor accepted: ours are a few dozen characters; anything far longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2048;

/** Index paging (RFC 7644 §3.4.2.4): 1-based `startIndex`, `count` already clamped. */
export interface IndexPaging {
  readonly kind: 'index';
  readonly startIndex: number;
  readonly count: number;
}

/** Cursor paging (RFC 9865): no cursor (or an empty one) asks for the first page. */
export interface CursorPaging {
  readonly kind: 'cursor';
  readonly cursor?: string;
  readonly count: number;
}

export type Paging = IndexPaging | CursorPaging;

/** Query parameters as operations receive them (ScimRequest.query). */
export type PagingQuery = Readonly<Record<string, string | undefined>>;

/** An integer parameter, or undefined when absent or blank; anything else is a 400 naming it. */
function integerParameter(query: PagingQuery, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw ScimError.badRequest('invalidValue', `${name} must be an integer, got ${describeValue(raw)}.`);
  }
  const value = Number(text);
  return Math.max(Math.min(value, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

/**
 * Reads `startIndex`, `count` and `cursor` from a list request. RFC 7644 §3.4.2.4: a startIndex
 * below 1 means 1, a negative count means 0, and a count past the maximum is lowered to it.
 * A `cursor` parameter (RFC 9865), even an empty one, selects cursor paging; it cannot be
 * combined with `startIndex`.
 */
export function parsePaging(query: PagingQuery): Paging {
  const startIndex = integerParameter(query, 'startIndex');
  const requested = integerParameter(query, 'count');
  const count = requested === undefined ? DEFAULT_PAGE_SIZE : Math.min(Math.max(requested, 0), MAX_PAGE_SIZE);
  const cursor = query.cursor;
  if (cursor !== undefined) {
    if (startIndex !== undefined) {
      throw ScimError.badRequest(
        'invalidValue',
        'Send either cursor or startIndex, not both: cursor paging (RFC 9865) and index paging (RFC 7644 §3.4.2.4) do not mix.',
      );
    }
    const trimmed = cursor.trim();
    return trimmed === '' ? { kind: 'cursor', count } : { kind: 'cursor', cursor: trimmed, count };
  }
  return { kind: 'index', startIndex: Math.max(startIndex ?? 1, 1), count };
}

/** Encodes a store position as an opaque cursor: base64url JSON (RFC 9865 leaves the form to us). */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is a 400 `invalidCursor` (RFC 9865). */
export function decodeCursor(text: string): Record<string, unknown> {
  const invalid = () =>
    ScimError.badRequest('invalidCursor', 'cursor is not a cursor this service issued: start again without one.');
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isPlainObject(position)) throw invalid();
  return position;
}
