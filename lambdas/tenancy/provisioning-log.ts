import type { LogEntryView } from '../contracts/connection';
import type { ChangeEvent } from '../events/catalog';

/** How long provisioning-log entries are kept (DynamoDB TTL deletes them after). */
export const LOG_RETENTION_DAYS = 30;

/**
 * One line of a tenant's provisioning log: enough for support to answer "why didn't Ada's title
 * update?" — never a request body, a token or a key.
 */
export interface LogEntry extends LogEntryView {
  readonly tenantId: string;
  /** The resource's version after a committed change (one entry per committed transaction). */
  readonly version?: number;
}

/** A page of a tenant's log: filters are optional and combine; `cursor` resumes after the previous page. */
export interface LogQuery {
  readonly since?: string;
  readonly until?: string;
  /** An exact HTTP status. */
  readonly status?: number;
  /** Only failures (status 400 and up), or only successes. */
  readonly outcome?: 'failed' | 'succeeded';
  readonly operation?: string;
  /** Only entries of SCIM requests (no admin actor): the health summary's "last request". */
  readonly scimOnly?: boolean;
  readonly limit: number;
  /** Where the previous page ended (its last entry's position), exclusive. */
  readonly after?: LogPosition;
}

/** Where an entry sits in its tenant's log (time, then request id). */
export interface LogPosition {
  readonly at: string;
  readonly requestId: string;
}

const STATUS_BY_DETAIL_TYPE: Readonly<Record<string, number>> = {
  'User Created': 201,
  'Group Created': 201,
  'User Deleted': 204,
  'Group Deleted': 204,
};

function nameOf(event: ChangeEvent): string | undefined {
  const source = event.snapshot ?? event.previous;
  const name = source.userName ?? source.displayName;
  return typeof name === 'string' ? name : undefined;
}

/** The log entry of a committed change, written in the change's own transaction. */
export function logEntryOfEvent(event: ChangeEvent): LogEntry {
  const name = nameOf(event);
  return {
    tenantId: event.tenantId,
    at: event.occurredAt,
    requestId: event.requestId,
    operation: event.detailType,
    status: STATUS_BY_DETAIL_TYPE[event.detailType] ?? 200,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    version: event.version,
    ...(name !== undefined ? { name } : {}),
    ...(event.changedAttributes.length > 0 ? { changed: event.changedAttributes.slice(0, 50) } : {}),
  };
}
