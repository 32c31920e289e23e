import { ScimError } from '../../scim/errors';
import type { LogPosition, LogQuery } from '../../tenancy/provisioning-log';
import { tenantOf, type ConnectionOperation } from './request';

export const DEFAULT_LOG_PAGE = 50;
export const MAX_LOG_PAGE = 100;

/** A date (`2026-12-01`) or date-time with optional seconds, fraction and zone (`2026-12-01T09:00Z`). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether `2026-02-30` names a day of the calendar (Date.parse rolls such a day over into March). */
function isCalendarDay(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * An ISO date or time as a UTC instant, or a 400 that names the parameter and shows the form. Times
 * without a zone are UTC (the page shows UTC). A bare date `until` means through the end of that
 * day, so "from 2026-12-01 to 2026-12-01" is that whole day.
 */
export function parseLogTime(name: 'since' | 'until', text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  const dateOnly = text.length === 10;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(text);
  const millis =
    ISO_TIME.test(text) && isCalendarDay(text)
      ? Date.parse(dateOnly ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}${zoned ? '' : 'Z'}`)
      : Number.NaN;
  if (Number.isNaN(millis)) {
    throw ScimError.badRequest(
      'invalidValue',
      `${name} "${text.slice(0, 40)}" is not a date: use an ISO date or time such as 2026-12-01 or 2026-12-01T09:00:00Z.`,
    );
  }
  return new Date(dateOnly && name === 'until' ? millis + 86_400_000 - 1 : millis).toISOString();
}

function encodeCursor(position: LogPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.requestId]), 'utf8').toString('base64url');
}

function decodeCursor(text: string): LogPosition {
  try {
    const [at, requestId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      typeof requestId === 'string' &&
      ISO_TIME.test(at.replace(/\.\d+Z$/, 'Z')) &&
      requestId.length <= 128
    )
      return { at, requestId };
  } catch {
    // falls through to the 400 below
  }
  throw ScimError.badRequest('invalidCursor', 'cursor is not one this log returned: start again without it.');
}

/** The query string of a log read, validated: every filter optional, each fault a 400 that names it. */
export function parseLogQuery(query: Readonly<Record<string, string | undefined>>): LogQuery {
  const since = parseLogTime('since', query.since);
  const until = parseLogTime('until', query.until);
  if (since && until && since > until)
    throw ScimError.badRequest('invalidValue', 'since is after until: nothing can match.');
  const limit = query.limit === undefined || query.limit === '' ? DEFAULT_LOG_PAGE : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_PAGE)
    throw ScimError.badRequest('invalidValue', `limit must be a whole number from 1 to ${MAX_LOG_PAGE}.`);
  const status = query.status ?? '';
  let statusFilter: Pick<LogQuery, 'status' | 'outcome'> = {};
  if (status === 'failed' || status === 'succeeded') statusFilter = { outcome: status };
  else if (/^[1-5]\d\d$/.test(status)) statusFilter = { status: Number(status) };
  else if (status !== '')
    throw ScimError.badRequest(
      'invalidValue',
      `status "${status.slice(0, 20)}" is not an HTTP status (such as 409), "failed" or "succeeded".`,
    );
  const operation = query.operation?.trim() ?? '';
  if (operation.length > 64)
    throw ScimError.badRequest('invalidValue', 'operation is longer than any operation name (64 characters).');
  return {
    limit,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...statusFilter,
    ...(operation ? { operation } : {}),
    ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
  };
}

/** GET …/log: the provisioning log, newest first, filtered by status, operation and time, in pages. */
export const listConnectionLog: ConnectionOperation = async (request, deps) => {
  const query = parseLogQuery(request.query);
  const tenant = tenantOf(request);
  // One more than the page tells whether another page follows.
  const entries = await deps.log.list(tenant.tenantId, { ...query, limit: query.limit + 1 });
  const page = entries.slice(0, query.limit);
  const last = page.at(-1);
  return {
    status: 200,
    body: {
      entries: page.map(({ tenantId: _tenantId, ...entry }) => entry),
      ...(entries.length > query.limit && last ? { nextCursor: encodeCursor(last) } : {}),
    },
  };
};
