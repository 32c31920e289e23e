import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { authOf, routeOf, type OperationName } from '../contracts/routes';
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
  /** Set once the tenant in the path is known to exist: only then is a failure written to its log. */
  tenantKnown?: boolean;
}

/** Parsed JSON bodies by event: the body middleware's hand-over to the handler. */
const parsedBodies = new WeakMap<APIGatewayProxyEvent, unknown>();
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
    if (!state.tenantKnown || tenantId === undefined) return;
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
    const fields = { status, method: event.httpMethod, durationMs: Math.round(performance.now() - (state.started ?? 0)), ...extra };
    if (status >= 500) state.log?.error('request failed', fields);
    else state.log?.info('request', fields);
  };
  return {
    before: (request) => {
      const { event } = request;
      const headers = lowerCaseHeaders(event.headers);
      request.internal.started = performance.now();
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
      try {
        const { tenant } = await wiring().authenticator.authenticate(tenantId, headers.authorization);
        tenants.set(request.event, tenant);
        request.internal.tenantKnown = true;
      } catch (error) {
        request.internal.tenantKnown = await wiring().authenticator.isKnownTenant(tenantId).catch(() => false);
        throw error;
      }
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

/** JSON body with a size limit: 413 past it, 400 invalidSyntax when it does not parse. */
function jsonBody(wiring: () => Wiring): ScimMiddleware {
  return {
    before: (request) => {
      const { event } = request;
      if (event.body === null || event.body === undefined || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const limit = wiring().config.maxBodyBytes;
      if (Buffer.byteLength(raw, 'utf8') > limit) throw ScimError.payloadTooLarge(limit);
      try {
        parsedBodies.set(event, JSON.parse(raw));
      } catch (error) {
        throw ScimError.badRequest('invalidSyntax', `The request body is not valid JSON: ${(error as Error).message}.`);
      }
    },
  };
}

export interface OperationOptions {
  /** The container's wiring; tests and local mode use the default, built from the environment. */
  readonly wiring?: () => Wiring;
}

/**
 * The one request chain every route runs (STYLE.md: a handler is one line of wiring):
 * correlation + log → SCIM errors → authentication → JSON body → the operation.
 */
export function defineOperation(operation: OperationName, run: Operation, options: OperationOptions = {}) {
  const route = routeOf(operation);
  const wiring = options.wiring ?? getWiring;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, ChainState>()
    .use(requestContext(operation, wiring))
    .use(authOf(route) === 'iam' ? loadTenant(wiring) : authenticate(wiring))
    .use(jsonBody(wiring))
    .handler(async (event) => {
      const tenant = tenants.get(event);
      const pulled = tenant && route.access === 'write' && authOf(route) === 'token' ? scimWriteRefusal(tenant) : undefined;
      if (pulled) throw new ScimError(403, pulled);
      const request = { ...toScimRequest(event, operation, parsedBodies.get(event)), ...(tenant ? { tenant } : {}) };
      return toProxyResult(await run(request, wiring().deps));
    });
}
