import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ACTORS, CSRF_HEADER, SESSION_COOKIE } from '../contracts/portal';
import { authOf, routesOf, type OperationName } from '../contracts/routes';
import { FetchTenantUrlProbe } from '../adapters/http/fetch-tenant-url-probe';
import type { ConnectionDeps, ConnectionOperation, ConnectionRequest } from '../operations/connection/request';
import { linkGenerationOf } from '../operations/connection/portal-links';
import { ScimError } from '../scim/errors';
import { csrfTokenMatches, verifySession, type SessionClaims } from '../tenancy/portal-link';
import { isValidTenantId, type TenantRecord } from '../tenancy/tenant';
import { getWiring, type Wiring } from '../wiring';
import { logger } from './logger';
import { lowerCaseHeaders } from './mapping';
import { NOTHING_CSP, securityHeaders } from './security-headers';
import { originOf, serviceBaseOf } from './service-base';

type ConnectionMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, ChainState>;

interface ChainState extends Record<string, unknown> {
  started?: number;
  actor?: string;
  log?: typeof logger;
  tenant?: TenantRecord;
  session?: SessionClaims;
  body?: unknown;
}

/** Middy hands request.internal to middlewares only; the handler reads the same object through this map. */
const chainStates = new WeakMap<APIGatewayProxyEvent, ChainState>();

/** Largest body a connection request may carry: labels, policies and mappings are small. */
export const MAX_CONNECTION_BODY_BYTES = 64 * 1024;

/** The same refusal for every session fault, so a probe learns nothing about which check failed. */
const NO_SESSION =
  'No valid portal session for this connection: it has expired or was revoked, or it belongs to another tenant. Open your setup link again.';

/** The connection API's error body: JSON, not SCIM (these routes are not SCIM). */
export function connectionErrorResult(error: ScimError, https: boolean): APIGatewayProxyResult {
  return {
    statusCode: error.status,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...securityHeaders(NOTHING_CSP, https),
      ...error.headers,
    },
    body: JSON.stringify({
      status: error.status,
      ...(error.scimType ? { error: error.scimType } : {}),
      detail: error.detail,
    }),
  };
}

const isHttps = (event: APIGatewayProxyEvent) => serviceBaseOf(event).startsWith('https:');

/** The value of one cookie in a Cookie header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

function requestContext(operation: OperationName, wiring: () => Wiring): ConnectionMiddleware {
  const logLine = (
    state: ChainState,
    event: APIGatewayProxyEvent,
    status: number,
    extra: Record<string, unknown> = {},
  ) => {
    const fields = {
      status,
      method: event.httpMethod,
      durationMs: Math.round(performance.now() - (state.started ?? 0)),
      ...extra,
    };
    if (status >= 500) state.log?.error('request failed', fields);
    else state.log?.info('request', fields);
  };
  return {
    before: (request) => {
      chainStates.set(request.event, request.internal);
      request.internal.started = performance.now();
      request.internal.log = logger.createChild({
        persistentKeys: {
          operation,
          tenantId: request.event.pathParameters?.tenantId,
          requestId: request.event.requestContext?.requestId,
        },
      });
    },
    after: (request) => logLine(request.internal, request.event, request.response?.statusCode ?? 0),
    onError: async (request) => {
      const known = request.error instanceof ScimError;
      const error = known
        ? (request.error as ScimError)
        : new ScimError(
            500,
            `Internal error; quote request id ${request.event.requestContext?.requestId ?? 'unknown'} to support.`,
          );
      request.response = connectionErrorResult(error, isHttps(request.event));
      logLine(
        request.internal,
        request.event,
        error.status,
        known ? { detail: error.detail } : { error: request.error },
      );
      // A failed action of an authenticated caller is in the tenant's log too (docs/portal.md).
      const tenant = request.internal.tenant;
      if (tenant) {
        await wiring()
          .deps.log.append({
            tenantId: tenant.tenantId,
            at: new Date().toISOString(),
            requestId: request.event.requestContext?.requestId ?? 'unknown',
            operation,
            status: error.status,
            ...(request.internal.actor ? { actor: request.internal.actor } : {}),
            ...(error.scimType ? { scimType: error.scimType } : {}),
            detail: error.detail.slice(0, 500),
          })
          .catch((cause: unknown) => request.internal.log?.warn('provisioning log write failed', { error: cause }));
      }
    },
  };
}

/** IAM routes: API Gateway has checked the SigV4 signature and policy; the chain loads the tenant (404 when unknown). */
function loadTenant(wiring: () => Wiring): ConnectionMiddleware {
  return {
    before: async (request) => {
      const tenantId = request.event.pathParameters?.tenantId ?? '';
      const tenant = isValidTenantId(tenantId) ? await wiring().deps.tenants.getTenant(tenantId) : undefined;
      // A tenant being purged is gone for every caller (docs/operations.md "Purging a tenant").
      if (!tenant || tenant.status === 'purging')
        throw ScimError.notFound(`Tenant "${tenantId.slice(0, 64)}" not found.`);
      request.internal.tenant = tenant;
    },
  };
}

/**
 * Portal routes: the session cookie must be genuine, unexpired, of the tenant in the path, and of
 * the tenant's current link generation (read on every request, so `portal revoke` ends sessions at
 * once). Writes also need the request's Origin to be this service and the session's CSRF token.
 */
function portalSession(wiring: () => Wiring): ConnectionMiddleware {
  return {
    before: async (request) => {
      const { event } = request;
      const headers = lowerCaseHeaders(event.headers);
      const tenantId = event.pathParameters?.tenantId ?? '';
      const value = cookieValue(headers.cookie, SESSION_COOKIE);
      const ring = await wiring().deps.tokenKeys.getKeyRing();
      const session = value ? verifySession(value, ring, wiring().deps.clock.now()) : undefined;
      if (!session || session.t !== tenantId || !isValidTenantId(tenantId)) throw new ScimError(401, NO_SESSION);
      const tenant = await wiring().deps.tenants.getTenant(tenantId);
      if (!tenant || tenant.status === 'purging' || linkGenerationOf(tenant) !== session.g)
        throw new ScimError(401, NO_SESSION);
      // Known from here on, so a refused write (Origin, CSRF) is in the tenant's log like any refused action.
      request.internal.tenant = tenant;
      request.internal.session = session;
      if (event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD') {
        // Browsers send Origin on every cross-origin and every non-GET same-origin fetch (Fetch standard §3.1).
        const expected = originOf(serviceBaseOf(event));
        if (headers.origin !== expected)
          throw new ScimError(403, `Refused: a change must come from the connection page itself (Origin ${expected}).`);
        const site = headers['sec-fetch-site'];
        if (site !== undefined && site !== 'same-origin')
          throw new ScimError(403, 'Refused: a change must come from the connection page itself (Sec-Fetch-Site).');
        if (!csrfTokenMatches(session, headers[CSRF_HEADER], ring))
          throw new ScimError(403, `Missing or wrong ${CSRF_HEADER} header: reload the page and try again.`);
      }
    },
  };
}

function jsonBody(): ConnectionMiddleware {
  return {
    before: (request) => {
      const { event } = request;
      if (event.body === null || event.body === undefined || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      if (Buffer.byteLength(raw, 'utf8') > MAX_CONNECTION_BODY_BYTES)
        throw ScimError.payloadTooLarge(MAX_CONNECTION_BODY_BYTES);
      try {
        request.internal.body = JSON.parse(raw);
      } catch (error) {
        throw ScimError.badRequest('invalidSyntax', `The request body is not valid JSON: ${(error as Error).message}.`);
      }
    },
  };
}

let probe: FetchTenantUrlProbe | undefined;

export interface ConnectionOperationOptions {
  readonly wiring?: () => Wiring;
  /** @default a fetch-based probe (adapters/http) */
  readonly deps?: (wiring: Wiring) => ConnectionDeps;
}

/**
 * The chain of the connection API (IAM), the page's API (session cookie + CSRF) and opening a setup
 * link (public): log line → JSON errors → authorisation by the route the request came through (one
 * function serves an operation's IAM and portal routes) → JSON body → operation.
 */
export function defineConnectionOperation(
  operation: OperationName,
  run: ConnectionOperation,
  options: ConnectionOperationOptions = {},
) {
  const candidates = routesOf(operation);
  for (const route of candidates) {
    if (!['iam', 'portal', 'public'].includes(authOf(route)))
      throw new Error(`${operation} has a ${authOf(route)} route: not a connection route`);
  }
  const wiring = options.wiring ?? getWiring;
  const depsOf =
    options.deps ?? ((current: Wiring) => ({ ...current.deps, probe: (probe ??= new FetchTenantUrlProbe()) }));
  const authorisers = { iam: loadTenant(wiring), portal: portalSession(wiring) };
  const authorise: ConnectionMiddleware = {
    before: async (request) => {
      // API Gateway's `resource` is the route's path template (the local server sets the same).
      const route =
        candidates.find(
          (candidate) => candidate.path === request.event.resource && candidate.method === request.event.httpMethod,
        ) ?? candidates[0];
      const auth = route ? authOf(route) : 'public';
      request.internal.actor = auth === 'iam' ? ACTORS.api : ACTORS.portal;
      if (auth === 'iam') await authorisers.iam.before?.(request);
      else if (auth === 'portal') await authorisers.portal.before?.(request);
    },
  };
  const writes = candidates.some((route) => route.access === 'write');
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, ChainState>()
    .use(requestContext(operation, wiring))
    .use(authorise)
    .use(jsonBody())
    .handler(async (event) => {
      const state = chainStates.get(event);
      const response = await run(connectionRequest(event, operation, state), depsOf(wiring()));
      // This container's SCIM routes see a new or revoked token at once; other containers within
      // the tenant cache TTL (30 s, docs/operations.md).
      if (writes && state?.tenant) wiring().authenticator.forget(state.tenant.tenantId);
      return respond(event, response);
    });
}

function connectionRequest(
  event: APIGatewayProxyEvent,
  operation: OperationName,
  state: ChainState | undefined,
): ConnectionRequest {
  return {
    operation,
    tenantId: event.pathParameters?.tenantId ?? '',
    pathParameters: { ...(event.pathParameters ?? {}) },
    query: { ...(event.queryStringParameters ?? {}) },
    headers: lowerCaseHeaders(event.headers),
    body: state?.body,
    requestId: event.requestContext?.requestId ?? 'unknown',
    serviceBase: serviceBaseOf(event),
    actor: state?.actor ?? ACTORS.portal,
    ...(state?.tenant ? { tenant: state.tenant } : {}),
    ...(state?.session ? { session: state.session } : {}),
  };
}

function respond(
  event: APIGatewayProxyEvent,
  response: { status: number; body?: unknown; headers?: Readonly<Record<string, string>> },
): APIGatewayProxyResult {
  const text = typeof response.body === 'string';
  const hasBody = response.body !== undefined && response.status !== 204;
  return {
    statusCode: response.status,
    headers: {
      ...(hasBody && !text ? { 'Content-Type': 'application/json' } : {}),
      'Cache-Control': 'no-store',
      ...securityHeaders(NOTHING_CSP, isHttps(event)),
      ...response.headers,
    },
    body: !hasBody ? '' : text ? (response.body as string) : JSON.stringify(response.body),
  };
}
