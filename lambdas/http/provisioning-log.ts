import type { OperationName } from '../contracts/routes';
import type { Wiring } from '../wiring';
import { chainOf, type ScimMiddleware } from './chain';

/** Longest detail a provisioning-log entry keeps. */
const MAX_DETAIL_CHARS = 500;

/**
 * A failed request's entry in the tenant's provisioning log (docs/operations.md), best effort: a
 * failing log write never fails the response. Only once the caller is authenticated (or, on IAM
 * routes, the tenant is loaded), so an anonymous caller writes nothing (docs/security.md T21), and
 * never after a commit, whose own log entry rode in its transaction. Use it before scimErrors, so
 * that its onError runs after the failure is mapped.
 */
export function provisioningLog(operation: OperationName, wiring: () => Wiring): ScimMiddleware {
  return {
    onError: async (request) => {
      const state = chainOf(request.context);
      const { event } = request;
      const tenantId = event.pathParameters?.tenantId;
      const failure = state.failure;
      if (!failure || !state.tenant || state.committed || tenantId === undefined) return;
      const resourceId = event.pathParameters?.id;
      await wiring()
        .deps.log.append({
          tenantId,
          at: new Date().toISOString(),
          requestId: event.requestContext?.requestId ?? 'unknown',
          operation,
          status: failure.status,
          ...(resourceId !== undefined ? { resourceId } : {}),
          ...(failure.scimType !== undefined ? { scimType: failure.scimType } : {}),
          detail: failure.detail.slice(0, MAX_DETAIL_CHARS),
        })
        .catch((cause: unknown) => state.log?.warn('provisioning log write failed', { error: cause }));
    },
  };
}
