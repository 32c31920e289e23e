import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { SCIM_BASE_PATH, type OperationName } from '../contracts/routes';
import type { ScimRequest, ScimResponse } from '../operations/request';
import type { ScimError } from '../scim/errors';
import { scimErrorBody } from '../scim/errors';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/**
 * The stage name of events built by the local server (lambdas/local/server.ts), which stands in for
 * API Gateway in local mode and sets X-Forwarded-Proto itself, to `http` or `https` only.
 */
export const LOCAL_STAGE = 'local';

export function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

/**
 * Entra may send `+` for spaces in a filter (shared/entra/README.md §4 quirk 10). Outside a quoted
 * string a `+` cannot be filter syntax, so it is a space; inside quotes it stays (plus-addressed emails).
 */
export function plusToSpaceOutsideQuotes(filter: string): string {
  let inQuotes = false;
  let result = '';
  for (let i = 0; i < filter.length; i += 1) {
    const char = filter[i] as string;
    if (char === '"' && filter[i - 1] !== '\\') inQuotes = !inQuotes;
    result += char === '+' && !inQuotes ? ' ' : char;
  }
  return result;
}

/**
 * The scheme a request came through. API Gateway's REST APIs serve HTTPS only, so on AWS it is
 * `https` whatever a client puts in X-Forwarded-Proto; in local mode it is the local server's own
 * X-Forwarded-Proto, which is only ever `http` or `https` (`https` behind a TLS tunnel).
 */
export function schemeOf(event: APIGatewayProxyEvent): 'http' | 'https' {
  if (event.requestContext?.stage !== LOCAL_STAGE) return 'https';
  return lowerCaseHeaders(event.headers)['x-forwarded-proto'] === 'https' ? 'https' : 'http';
}

/**
 * The Tenant URL a request came through: scheme (schemeOf) and host from the request, plus any stage
 * or base-path prefix API Gateway put before `/scim/v2/<tenant>`.
 */
export function tenantUrlOf(event: APIGatewayProxyEvent, tenantId: string): string {
  const headers = lowerCaseHeaders(event.headers);
  const host = event.requestContext?.domainName ?? headers.host ?? 'localhost';
  const proto = schemeOf(event);
  const fullPath = event.requestContext?.path ?? event.path;
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${proto}://${host}${prefix}${SCIM_BASE_PATH}/${encodeURIComponent(tenantId)}`;
}

export function toScimRequest(event: APIGatewayProxyEvent, operation: OperationName, body: unknown): ScimRequest {
  const tenantId = event.pathParameters?.tenantId ?? '';
  const query: Record<string, string | undefined> = { ...(event.queryStringParameters ?? {}) };
  if (query.filter !== undefined) query.filter = plusToSpaceOutsideQuotes(query.filter);
  // The value filters of `attributes=emails[type+eq+"work"]` arrive the same way; attribute names never hold a `+`.
  for (const name of ['attributes', 'excludedAttributes'] as const) {
    const value = query[name];
    if (value !== undefined) query[name] = plusToSpaceOutsideQuotes(value);
  }
  return {
    operation,
    tenantId,
    pathParameters: { ...(event.pathParameters ?? {}) },
    query,
    headers: lowerCaseHeaders(event.headers),
    body,
    requestId: event.requestContext?.requestId ?? 'unknown',
    tenantUrl: tenantUrlOf(event, tenantId),
  };
}

export function toProxyResult(response: ScimResponse): APIGatewayProxyResult {
  const hasBody = response.body !== undefined && response.status !== 204 && response.status !== 304;
  return {
    statusCode: response.status,
    headers: { ...(hasBody ? { 'Content-Type': SCIM_CONTENT_TYPE } : {}), ...response.headers },
    body: hasBody ? JSON.stringify(response.body) : '',
  };
}

export function errorResult(error: ScimError): APIGatewayProxyResult {
  return toProxyResult({ status: error.status, body: scimErrorBody(error), headers: error.headers });
}
