import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { OperationName } from '../contracts/routes';
import { chainOf, type ChainState, type ScimMiddleware } from './chain';
import { logger } from './logger';
import { lowerCaseHeaders } from './mapping';

/**
 * Correlation and one structured log line per request: the child logger carries the operation,
 * tenant, request id and the caller's correlation id (X-Correlation-Id, or Entra's client-request-id).
 * A 5xx is logged at error level with the error and its `cause` chain (the client sees none of it).
 * Use it first, so that its `after`/`onError` run last, once the response is known.
 */
export function requestLog(operation: OperationName): ScimMiddleware {
  return {
    before: (request) => {
      const { event } = request;
      const headers = lowerCaseHeaders(event.headers);
      // A fresh state per request, even if a caller passes the same context object twice.
      request.context.scimChain = {
        started: performance.now(),
        log: logger.createChild({
          persistentKeys: {
            operation,
            tenantId: event.pathParameters?.tenantId,
            requestId: event.requestContext?.requestId,
            correlationId:
              headers['x-correlation-id'] ?? headers['client-request-id'] ?? event.requestContext?.requestId,
          },
        }),
      };
    },
    after: (request) => {
      logLine(chainOf(request.context), request.event, request.response?.statusCode ?? 0);
    },
    onError: (request) => {
      const state = chainOf(request.context);
      const failure = state.failure;
      const status = failure?.status ?? request.response?.statusCode ?? 500;
      const extra: Record<string, unknown> = {};
      if (failure && failure === request.error) {
        extra.scimType = failure.scimType;
        extra.detail = failure.detail;
        if (status >= 500) extra.error = failure;
      } else {
        // An unexpected error, masked as a 500 (scimErrors): the log keeps what really happened.
        extra.error = request.error;
      }
      logLine(state, request.event, status, extra);
    },
  };
}

function logLine(
  state: ChainState,
  event: APIGatewayProxyEvent,
  status: number,
  extra: Record<string, unknown> = {},
): void {
  const fields = {
    status,
    method: event.httpMethod,
    durationMs: Math.round(performance.now() - (state.started ?? 0)),
    ...(state.committed ? { committed: true } : {}),
    ...extra,
  };
  if (status >= 500) state.log?.error('request failed', fields);
  else state.log?.info('request', fields);
}
