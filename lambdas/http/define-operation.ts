import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { authOf, routeOf, type OperationName } from '../contracts/routes';
import { checkProjectionQuery } from '../operations/scim/projection-query';
import type { Operation } from '../operations/request';
import { ScimError } from '../scim/errors';
import { scimWriteRefusal } from '../tenancy/tenant';
import { getWiring, type Wiring } from '../wiring';
import { authenticate, loadTenant } from './authenticate';
import { chainOf, type ScimContext } from './chain';
import { COMMIT_RESERVE_MS, guardCommits } from './commit-deadline';
import { jsonBody } from './json-body';
import { toProxyResult, toScimRequest } from './mapping';
import { provisioningLog } from './provisioning-log';
import { requestLog } from './request-log';
import { scimErrors } from './scim-errors';

export { COMMIT_RESERVE_MS } from './commit-deadline';
export { MAX_JSON_DEPTH } from './json-body';

/** API Gateway's REST integration timeout: past it the client has a 504, whatever the Lambda does. */
const API_GATEWAY_TIMEOUT_MS = 29_000;

export interface OperationOptions {
  /** The container's wiring; tests and local mode use the default, built from the environment. */
  readonly wiring?: () => Wiring;
  /** Time a commit needs left before it starts. @default COMMIT_RESERVE_MS */
  readonly commitReserveMs?: number;
}

/**
 * The one request chain every route runs (STYLE.md: a handler is one line of wiring), one concern
 * per middleware, each in its own file: requestLog (correlation + log line) → provisioningLog
 * (failure entries) → scimErrors (RFC 7644 §3.12 bodies, 500 masking) → authenticate or loadTenant →
 * jsonBody → the operation, under guardCommits. middy runs `onError` in reverse order, so a failure
 * is mapped first, then written to the tenant's log, then logged.
 *
 * middy's early timeout is off (`timeoutEarlyInMillis: 0`): it answered a 500 while the handler went
 * on and committed, so a client saw a failure for a write that happened and the log held both. The
 * deadline is enforced before the commit instead (guardCommits), where stopping changes nothing.
 */
export function defineOperation(operation: OperationName, run: Operation, options: OperationOptions = {}) {
  const route = routeOf(operation);
  const wiring = options.wiring ?? getWiring;
  const reserveMs = options.commitReserveMs ?? COMMIT_RESERVE_MS;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ScimContext>({ timeoutEarlyInMillis: 0 })
    .use(requestLog(operation))
    .use(provisioningLog(operation, wiring))
    .use(scimErrors())
    .use(authOf(route) === 'iam' ? loadTenant(wiring) : authenticate(wiring))
    .use(jsonBody(operation, () => wiring().config.maxBodyBytes))
    .handler(async (event, context) => {
      const state = chainOf(context);
      const { tenant } = state;
      const pulled =
        tenant && route.access === 'write' && authOf(route) === 'token' ? scimWriteRefusal(tenant) : undefined;
      if (pulled) throw new ScimError(403, pulled);
      const request = { ...toScimRequest(event, operation, state.body), ...(tenant ? { tenant } : {}) };
      checkProjectionQuery(request);
      const started = state.started ?? performance.now();
      const remainingMs = () =>
        Math.min(
          context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
          API_GATEWAY_TIMEOUT_MS - (performance.now() - started),
        );
      return toProxyResult(await run(request, guardCommits(wiring().deps, state, remainingMs, reserveMs)));
    });
}
