import { ScimError } from '../scim/errors';
import { chainOf, type ScimMiddleware } from './chain';
import { errorResult } from './mapping';

/** The masked answer to an unexpected error: nothing about it but the id to quote. */
export function internalError(requestId: string | undefined, cause: unknown): ScimError {
  return new ScimError(
    500,
    `Internal error; quote request id ${requestId ?? 'unknown'} to support.`,
    undefined,
    {},
    { cause },
  );
}

/**
 * SCIM error responses (RFC 7644 §3.12): a ScimError becomes its status, scimType, detail and
 * headers (Retry-After on 429/503); anything else becomes a 500 that reveals nothing, keeping the
 * error as its cause for the log (STYLE.md "Errors"). The answer is handed on as `failure`.
 */
export function scimErrors(): ScimMiddleware {
  return {
    onError: (request) => {
      const error = request.error;
      const failure =
        error instanceof ScimError ? error : internalError(request.event.requestContext?.requestId, error);
      chainOf(request.context).failure = failure;
      request.response = errorResult(failure);
    },
  };
}
