import { ScimError } from '../../scim/errors';
import type { LogEntry } from '../../tenancy/provisioning-log';
import { AdminError } from '../admin-error';
import { TenantWriteConflict } from '../writes/write-conflicts';
import type { ConnectionDeps, ConnectionRequest } from './request';

/** Longest detail a provisioning-log entry keeps (the chain's failure entries keep the same). */
const DETAIL_LIMIT = 500;

/**
 * Writes an admin action to the tenant's provisioning log with its actor (docs/portal.md). Best
 * effort, like the chain's failure entries: the action has committed, and failing its response
 * now would make the caller repeat it (a second token, say).
 */
export async function recordAction(
  deps: Pick<ConnectionDeps, 'log' | 'clock'>,
  request: ConnectionRequest,
  entry: Pick<LogEntry, 'operation' | 'status'> &
    Partial<Pick<LogEntry, 'resourceType' | 'resourceId' | 'name' | 'detail' | 'changed'>>,
): Promise<void> {
  await deps.log
    .append({
      tenantId: request.tenantId,
      at: deps.clock.now().toISOString(),
      requestId: request.requestId,
      actor: request.actor,
      ...entry,
      ...(entry.detail !== undefined ? { detail: entry.detail.slice(0, DETAIL_LIMIT) } : {}),
    })
    .catch(() => undefined);
}

/**
 * Runs an admin use case shared with the CLI (tenant-admin.ts, profile-admin.ts), translating its
 * refusals: an AdminError is the caller's fault (`status`), a lost race on the tenant record a 409.
 */
export async function asConnectionCall<T>(status: 400 | 409, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdminError)
      throw new ScimError(status, error.message, status === 400 ? 'invalidValue' : undefined, {}, { cause: error });
    if (error instanceof TenantWriteConflict) {
      throw new ScimError(
        409,
        'The connection changed while this request ran: reload and try again.',
        undefined,
        {},
        { cause: error },
      );
    }
    throw error;
  }
}

/** A JSON object body, or a 400 naming the expected shape. */
export function objectBody(request: ConnectionRequest, shape: string): Record<string, unknown> {
  const body = request.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw ScimError.badRequest('invalidSyntax', `The body must be a JSON object: ${shape}.`);
  return body as Record<string, unknown>;
}
