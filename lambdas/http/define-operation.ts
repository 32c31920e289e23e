import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { authOf, routeOf, type OperationName } from '../contracts/routes';
import type { Dependencies } from '../operations/ports';
import { checkProjectionQuery } from '../operations/projection-query';
import type { Operation } from '../operations/request';
import { ScimError } from '../scim/errors';
import { scimWriteRefusal, type TenantRecord } from '../tenancy/tenant';
import { getWiring, type Wiring } from '../wiring';
import { logger } from './logger';
import { errorResult, lowerCaseHeaders, toProxyResult, toScimRequest } from './mapping';

type ScimMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, ChainState>;

/** What the chain's middlewares hand each other (middy's request.internal). */
interface ChainState extends Record<string, unknown> {
  started?: number;
  log?: typeof logger;
  /**
   * Set once the caller is authenticated (or, on IAM routes, the tenant is loaded): only then is a
   * failure written to the tenant's log, so an anonymous caller never writes anything (docs/security.md T21).
   */
  tenantKnown?: boolean;
  /** Set once a store write resolved: the commit wrote its own log entry, so no failure entry follows. */
  committed?: boolean;
}

/**
 * Time a commit needs left before it starts: one DynamoDB transaction with the SDK's retries. With
 * less, the request stops with a 503 and changes nothing, rather than committing and then being cut
 * off by the Lambda timeout (the client would see a failure for a write that happened).
 */
export const COMMIT_RESERVE_MS = 1_000;

/** API Gateway's REST integration timeout: past it the client has a 504, whatever the Lambda does. */
const API_GATEWAY_TIMEOUT_MS = 29_000;

/** The WriteStore methods (operations/ports.ts): each starts only while the commit deadline allows. */
const WRITING_METHODS: readonly (keyof Dependencies['writes'])[] = ['commit', 'reserveVersions', 'beginDelete', 'sweepMemberships'];

/** Body media types (RFC 7644 §3.1 and §8.1: application/scim+json, and application/json, which Okta and many clients send). */
const JSON_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/scim+json', 'application/json']);

/** Deepest nesting a body may have: SCIM resources and PATCH bodies nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** Strict UTF-8 (RFC 3629): invalid bytes throw instead of turning into U+FFFD. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parsed JSON bodies by event: the body middleware's hand-over to the handler. */
const parsedBodies = new WeakMap<APIGatewayProxyEvent, unknown>();
/** Each request's chain state by event: the handler marks a commit in it (guardCommits). */
const chainStates = new WeakMap<APIGatewayProxyEvent, ChainState>();
/** The authenticated tenant by event: the authentication middleware's hand-over to the handler. */
const tenants = new WeakMap<APIGatewayProxyEvent, TenantRecord>();

/**
 * Correlation id, one structured log line per request, and SCIM error responses (RFC 7644 §3.12).
 * An unexpected error becomes a 500 that reveals nothing; its cause is logged with the request id.
 */
function requestContext(operation: OperationName, wiring: () => Wiring): ScimMiddleware {
  /** A failed request's provisioning-log entry (docs/operations.md); best effort, never fails the response. */
  const logFailure = async (state: ChainState, event: APIGatewayProxyEvent, error: ScimError) => {
    const tenantId = event.pathParameters?.tenantId;
    if (!state.tenantKnown || state.committed || tenantId === undefined) return;
    const resourceId = event.pathParameters?.id;
    await wiring()
      .deps.log.append({
        tenantId,
        at: new Date().toISOString(),
        requestId: event.requestContext?.requestId ?? 'unknown',
        operation,
        status: error.status,
        ...(resourceId !== undefined ? { resourceId } : {}),
        ...(error.scimType !== undefined ? { scimType: error.scimType } : {}),
        detail: error.detail.slice(0, 500),
      })
      .catch((cause: unknown) => state.log?.warn('provisioning log write failed', { error: cause }));
  };
  const logLine = (state: ChainState, event: APIGatewayProxyEvent, status: number, extra: Record<string, unknown> = {}) => {
    const fields = { status, method: event.httpMethod, durationMs: Math.round(performance.now() - (state.started ?? 0)), ...(state.committed ? { committed: true } : {}), ...extra };
    if (status >= 500) state.log?.error('request failed', fields);
    else state.log?.info('request', fields);
  };
  return {
    before: (request) => {
      const { event } = request;
      const headers = lowerCaseHeaders(event.headers);
      request.internal.started = performance.now();
      chainStates.set(event, request.internal);
      request.internal.log = logger.createChild({
        persistentKeys: {
          operation,
          tenantId: event.pathParameters?.tenantId,
          requestId: event.requestContext?.requestId,
          correlationId: headers['x-correlation-id'] ?? headers['client-request-id'] ?? event.requestContext?.requestId,
        },
      });
    },
    after: (request) => {
      logLine(request.internal, request.event, request.response?.statusCode ?? 0);
    },
    onError: async (request) => {
      const error = request.error;
      if (error instanceof ScimError) {
        request.response = errorResult(error);
        logLine(request.internal, request.event, error.status, { scimType: error.scimType, detail: error.detail });
        await logFailure(request.internal, request.event, error);
        return;
      }
      const internal = new ScimError(500, `Internal error; quote request id ${request.event.requestContext?.requestId ?? 'unknown'} to support.`);
      request.response = errorResult(internal);
      logLine(request.internal, request.event, 500, { error });
      await logFailure(request.internal, request.event, internal);
    },
  };
}

/** Bearer-token check against the tenant in the path (../shared/DESIGN.md "Tenants and tokens"). */
function authenticate(wiring: () => Wiring): ScimMiddleware {
  return {
    before: async (request) => {
      const headers = lowerCaseHeaders(request.event.headers);
      const tenantId = request.event.pathParameters?.tenantId ?? '';
      // A failure leaves tenantKnown unset: a 401 writes no log row, whichever tenant the path names.
      const { tenant } = await wiring().authenticator.authenticate(tenantId, headers.authorization);
      tenants.set(request.event, tenant);
      request.internal.tenantKnown = true;
    },
  };
}

/**
 * IAM-authorised routes (the profile API): API Gateway has already verified the caller's SigV4
 * signature and IAM policy; the chain only loads the tenant, and an unknown tenant is a 404.
 */
function loadTenant(wiring: () => Wiring): ScimMiddleware {
  return {
    before: async (request) => {
      const tenantId = request.event.pathParameters?.tenantId ?? '';
      const tenant = await wiring().deps.tenants.getTenant(tenantId);
      if (!tenant) throw ScimError.notFound(`Tenant "${tenantId}" not found.`);
      tenants.set(request.event, tenant);
      request.internal.tenantKnown = true;
    },
  };
}

/** The media type of a Content-Type value, lower-cased, and whether its charset (if any) is UTF-8. */
function mediaTypeOf(contentType: string | undefined): { type: string; utf8: boolean } {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const charset = parameters.map((parameter) => parameter.split('=')).find(([name]) => name?.trim().toLowerCase() === 'charset')?.[1];
  const utf8 = charset === undefined || /^"?utf-8"?$/i.test(charset.trim());
  return { type: type.trim().toLowerCase(), utf8 };
}

/** How deep a parsed JSON value nests, walked without recursion (a deep value must not overflow the stack). */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The JSON body of a route that takes one (POST, PUT, PATCH): Content-Type application/scim+json or
 * application/json (415 otherwise), at most maxBodyBytes (413), strict UTF-8, valid JSON nested at
 * most MAX_JSON_DEPTH deep (400 invalidSyntax). A body-less route (GET, DELETE) ignores any body, so
 * it never needs a Content-Type. Details never quote the body (docs/security.md T24).
 */
function jsonBody(operation: OperationName, wiring: () => Wiring): ScimMiddleware {
  const method = routeOf(operation).method;
  const takesBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return {
    before: (request) => {
      const { event } = request;
      if (!takesBody || event.body === null || event.body === undefined || event.body === '') return;
      const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      const limit = wiring().config.maxBodyBytes;
      if (bytes.length > limit) throw ScimError.payloadTooLarge(limit);
      const { type, utf8 } = mediaTypeOf(lowerCaseHeaders(event.headers)['content-type']);
      if (!JSON_MEDIA_TYPES.has(type) || !utf8) throw ScimError.unsupportedMediaType();
      let raw: string;
      try {
        raw = strictUtf8.decode(bytes);
      } catch {
        throw ScimError.badRequest('invalidSyntax', 'The request body is not valid UTF-8 (RFC 8259 §8.1).');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        // V8's message quotes the body around the fault; only the position is passed on.
        const position = /position (\d+)/.exec((error as Error).message)?.[1];
        throw ScimError.badRequest('invalidSyntax', `The request body is not valid JSON${position !== undefined ? ` (at character ${position})` : ''}.`);
      }
      if (exceedsDepth(parsed, MAX_JSON_DEPTH)) throw ScimError.badRequest('invalidSyntax', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      parsedBodies.set(event, parsed);
    },
  };
}

/**
 * Guards the store's committing methods with the request's deadline: a commit starts only with at
 * least COMMIT_RESERVE_MS left (else a 503 with Retry-After, nothing changed), and marks the request
 * committed once it resolved.
 */
function guardCommits(deps: Dependencies, state: ChainState, remainingMs: () => number, reserveMs: number): Dependencies {
  const writes = new Proxy(deps.writes, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !(WRITING_METHODS as readonly PropertyKey[]).includes(property)) return value;
      return async (...args: unknown[]) => {
        if (remainingMs() < reserveMs) throw ScimError.unavailable(1, 'The request ran out of time before its change was committed; nothing was changed. Retry it.');
        const result: unknown = await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args);
        // Only a committed transaction is a change the client must hear of (its log entry rides in it).
        if (property === 'commit') state.committed = true;
        return result;
      };
    },
  });
  return { ...deps, writes };
}

export interface OperationOptions {
  /** The container's wiring; tests and local mode use the default, built from the environment. */
  readonly wiring?: () => Wiring;
  /** Time a commit needs left before it starts. @default COMMIT_RESERVE_MS */
  readonly commitReserveMs?: number;
}

/**
 * The one request chain every route runs (STYLE.md: a handler is one line of wiring):
 * correlation + log → SCIM errors → authentication → JSON body → the operation.
 *
 * middy's early timeout is off (`timeoutEarlyInMillis: 0`): it answered a 500 while the handler went
 * on and committed, so a client saw a failure for a write that happened and the log held both. The
 * deadline is enforced before the commit instead (guardCommits), where stopping changes nothing.
 */
export function defineOperation(operation: OperationName, run: Operation, options: OperationOptions = {}) {
  const route = routeOf(operation);
  const wiring = options.wiring ?? getWiring;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, ChainState>({ timeoutEarlyInMillis: 0 })
    .use(requestContext(operation, wiring))
    .use(authOf(route) === 'iam' ? loadTenant(wiring) : authenticate(wiring))
    .use(jsonBody(operation, wiring))
    .handler(async (event, context) => {
      const tenant = tenants.get(event);
      const pulled = tenant && route.access === 'write' && authOf(route) === 'token' ? scimWriteRefusal(tenant) : undefined;
      if (pulled) throw new ScimError(403, pulled);
      const request = { ...toScimRequest(event, operation, parsedBodies.get(event)), ...(tenant ? { tenant } : {}) };
      checkProjectionQuery(request);
      const state = chainStates.get(event) ?? {};
      const remainingMs = () =>
        Math.min(context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY, API_GATEWAY_TIMEOUT_MS - (performance.now() - (state.started ?? performance.now())));
      return toProxyResult(await run(request, guardCommits(wiring().deps, state, remainingMs, options.commitReserveMs ?? COMMIT_RESERVE_MS)));
    });
}
