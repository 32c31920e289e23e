import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { authOf, handlerFileName, routes, type Route } from '../contracts/routes';
import { oauthMethodNotAllowed } from '../http/define-oauth-endpoint';
import { errorResult, LOCAL_STAGE } from '../http/mapping';
import { ScimError } from '../scim/errors';
import { MAX_REQUEST_MS } from '../contracts/limits';
import { API_GATEWAY_MAX_PAYLOAD_BYTES } from '../config';

/** API Gateway's own payload limit: the local server refuses larger bodies the same way. */
const API_GATEWAY_MAX_BODY_BYTES = API_GATEWAY_MAX_PAYLOAD_BYTES;

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

function compile(route: Route): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    parameterNames.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}/?$`), parameterNames };
}

const compiled = routes.map(compile);
const handlers = new Map<string, Promise<ProxyHandler>>();

/** Loads a route's handler module: the same file API Gateway's Lambda runs. */
function loadHandler(operation: string): Promise<ProxyHandler> {
  let loading = handlers.get(operation);
  if (!loading) {
    loading = import(`../handlers/${handlerFileName(operation)}`).then(
      (module: { handler: ProxyHandler }) => module.handler,
    );
    handlers.set(operation, loading);
  }
  return loading;
}

/** Decodes a query string the way API Gateway does: %XX decoded, `+` left as it is. */
function parseQuery(search: string): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const [rawName = '', ...rest] = part.split('=');
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        return text;
      }
    };
    const name = decode(rawName);
    const value = decode(rest.join('='));
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

/**
 * The request body, or undefined past API Gateway's limit. An oversized body is still read to its end
 * (and dropped): leaving the loop early would destroy the socket, and the client would see a reset
 * instead of the 413 (test/integration/limits.test.ts).
 */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= API_GATEWAY_MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > API_GATEWAY_MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

/** Decodes path parameters; undefined when one holds malformed percent-encoding (RFC 3986 §2.1). */
function decodePathParameters(names: readonly string[], match: RegExpExecArray): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  try {
    names.forEach((name, index) => (parameters[name] = decodeURIComponent(match[index + 1] ?? '')));
  } catch {
    return undefined;
  }
  return parameters;
}

/** The scheme the local server vouches for: `https` behind a TLS tunnel that says so, else `http`, never a client's other word. */
function forwardedProto(value: string | string[] | undefined): 'http' | 'https' {
  return (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase() === 'https' ? 'https' : 'http';
}

function lambdaContext(operation: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${operation}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${operation}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  response.end(result.body);
}

export interface LocalServerOptions {
  /** Called after each request, e.g. to print an access line. */
  readonly onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /**
   * The function timeout each request runs under, as a Lambda's context reports it (commits stop
   * with a 503 when it is nearly spent: http/commit-deadline.ts). @default MAX_REQUEST_MS, as on AWS
   */
  readonly functionTimeoutMs?: number;
}

/**
 * The local API Gateway: matches each request against the route table, builds the same proxy event
 * API Gateway would, and calls the route's handler module.
 */
export function createLocalServer(options: LocalServerOptions = {}): Server {
  return createServer((request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://local');
    const method = request.method ?? 'GET';
    const finish = (result: APIGatewayProxyResult) => {
      send(response, result);
      options.onRequest?.({
        method,
        path: url.pathname,
        status: result.statusCode,
        ms: Math.round(performance.now() - started),
      });
    };
    void (async () => {
      const candidates = compiled
        .map((entry) => ({ entry, match: entry.pattern.exec(url.pathname) }))
        .filter((c) => c.match);
      const hit = candidates.find((c) => c.entry.route.method === method);
      // RFC 9110 §15.5.6: a 405 names the methods the path does serve.
      const allowed = [...new Set(candidates.map((c) => c.entry.route.method))];
      if (!hit?.match && candidates.length > 0 && candidates.every((c) => authOf(c.entry.route) === 'client')) {
        // The OAuth endpoints answer in their own protocol (RFC 6749 §5.2), never with a SCIM body.
        finish(oauthMethodNotAllowed(method, url.pathname, allowed));
        return;
      }
      if (!hit?.match) {
        finish(
          errorResult(
            candidates.length > 0
              ? new ScimError(405, `${method} is not supported on ${url.pathname}.`, undefined, {
                  Allow: allowed.join(', '),
                })
              : new ScimError(404, `No SCIM endpoint at ${url.pathname}.`),
          ),
        );
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        finish(errorResult(ScimError.payloadTooLarge(API_GATEWAY_MAX_BODY_BYTES)));
        return;
      }
      const pathParameters = decodePathParameters(hit.entry.parameterNames, hit.match);
      if (!pathParameters) {
        finish(
          errorResult(
            ScimError.badRequest('invalidSyntax', 'The request path holds malformed percent-encoding (RFC 3986 §2.1).'),
          ),
        );
        return;
      }
      const { single, multi } = parseQuery(url.search);
      const headers: Record<string, string> = {};
      const multiValueHeaders: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || name === 'x-forwarded-proto') continue;
        headers[name] = Array.isArray(value) ? value.join(',') : value;
        multiValueHeaders[name] = Array.isArray(value) ? value : [value];
      }
      // Set here, as API Gateway sets its own: the scheme in Location and meta.location (mapping.ts schemeOf).
      headers['x-forwarded-proto'] = forwardedProto(request.headers['x-forwarded-proto']);
      multiValueHeaders['x-forwarded-proto'] = [headers['x-forwarded-proto']];
      const requestId = randomUUID();
      const event = {
        resource: hit.entry.route.path,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: Object.keys(single).length > 0 ? single : null,
        multiValueQueryStringParameters: Object.keys(multi).length > 0 ? multi : null,
        pathParameters,
        stageVariables: null,
        // The raw bytes, base64, as API Gateway passes a binary media type: the chain decodes them as
        // strict UTF-8, so invalid bytes are a 400 rather than U+FFFD (docs/security.md).
        body: body.length === 0 ? null : body.toString('base64'),
        isBase64Encoded: body.length > 0,
        requestContext: {
          requestId,
          domainName: request.headers.host ?? '127.0.0.1',
          path: url.pathname,
          httpMethod: method,
          stage: LOCAL_STAGE,
          resourcePath: hit.entry.route.path,
        },
      } as unknown as APIGatewayProxyEvent;
      const handler = await loadHandler(hit.entry.route.operation);
      finish(
        await handler(
          event,
          lambdaContext(hit.entry.route.operation, requestId, options.functionTimeoutMs ?? MAX_REQUEST_MS),
        ),
      );
    })().catch((error: unknown) => {
      console.error(error);
      finish(errorResult(new ScimError(500, 'Internal error in the local server.')));
    });
  });
}
