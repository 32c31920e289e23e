import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { OAUTH_BASE_PATH, type OperationName } from '../contracts/routes';
import type { OAuthOperation, OAuthResponse } from '../operations/credentials/issue-access-token';
import { NO_STORE } from '../operations/credentials/issue-access-token';
import { ScimError } from '../scim/errors';
import { getWiring, type Wiring } from '../wiring';
import { logger } from './logger';
import { lowerCaseHeaders } from './mapping';

/**
 * This tenant's issuer URL (RFC 8414 §2) as the request reached it: scheme and host from the
 * request, plus any stage prefix API Gateway put before the route's path.
 */
export function issuerOf(event: APIGatewayProxyEvent, tenantId: string): string {
  const headers = lowerCaseHeaders(event.headers);
  const host = event.requestContext?.domainName ?? headers.host ?? 'localhost';
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const path = event.path ?? '';
  const fullPath = event.requestContext?.path ?? path;
  const prefix = path !== '' && fullPath.endsWith(path) ? fullPath.slice(0, fullPath.length - path.length) : '';
  return `${proto}://${host}${prefix}${OAUTH_BASE_PATH.replace('{tenantId}', encodeURIComponent(tenantId))}`;
}

function toResult(response: OAuthResponse): APIGatewayProxyResult {
  return {
    statusCode: response.status,
    headers: { 'Content-Type': 'application/json', ...response.headers },
    body: JSON.stringify(response.body),
  };
}

/** An infrastructure fault (never bad input): 503 with Retry-After when it is transient, else 500. */
function faultResult(error: unknown, requestId: string): APIGatewayProxyResult {
  if (error instanceof ScimError && error.status === 503) {
    return toResult({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: error.detail },
      headers: { ...NO_STORE, ...error.headers },
    });
  }
  return toResult({
    status: 500,
    body: { error: 'server_error', error_description: `Internal error; quote request id ${requestId} to support.` },
    headers: NO_STORE,
  });
}

/**
 * 405 for a method an OAuth endpoint does not serve (the local server's answer; RFC 6749 §3.2 needs
 * POST), with the `Allow` header RFC 9110 §15.5.6 requires.
 */
export function oauthMethodNotAllowed(method: string, path: string, allowed: readonly string[]): APIGatewayProxyResult {
  return toResult({
    status: 405,
    body: {
      error: 'invalid_request',
      error_description: `${method.slice(0, 16)} is not supported on ${path.slice(0, 200)}.`,
    },
    headers: { ...NO_STORE, Allow: allowed.join(', ') },
  });
}

export interface OAuthEndpointOptions {
  readonly wiring?: () => Wiring;
}

/**
 * The chain of the OAuth endpoints (route auth `client`): one structured log line per request and
 * RFC 6749 §5.2 JSON errors, never SCIM bodies. The operation authenticates the client itself.
 */
export function defineOAuthEndpoint(operation: OperationName, run: OAuthOperation, options: OAuthEndpointOptions = {}) {
  const wiring = options.wiring ?? getWiring;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>().handler(async (event) => {
    const started = performance.now();
    const tenantId = event.pathParameters?.tenantId ?? '';
    const requestId = event.requestContext?.requestId ?? 'unknown';
    const log = logger.createChild({ persistentKeys: { operation, tenantId, requestId, correlationId: requestId } });
    let result: APIGatewayProxyResult;
    try {
      const body =
        event.body === null || event.body === undefined
          ? undefined
          : event.isBase64Encoded
            ? Buffer.from(event.body, 'base64').toString('utf8')
            : event.body;
      const deps = wiring().oauth;
      if (!deps) throw new Error('The wiring has no OAuth dependencies');
      const response = await run(
        {
          tenantId,
          headers: lowerCaseHeaders(event.headers),
          ...(body !== undefined ? { body } : {}),
          requestId,
          issuer: issuerOf(event, tenantId),
        },
        deps,
      );
      result = toResult(response);
    } catch (error) {
      result = faultResult(error, requestId);
      log.error('request failed', { status: result.statusCode, error });
      return result;
    }
    const oauthError = result.statusCode >= 400 ? (JSON.parse(result.body) as { error?: string }).error : undefined;
    log.info('request', {
      status: result.statusCode,
      method: event.httpMethod,
      durationMs: Math.round(performance.now() - started),
      ...(oauthError ? { oauthError } : {}),
    });
    return result;
  });
}
