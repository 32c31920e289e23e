import type { Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { translateStorageError } from '../../../lambdas/adapters/dynamodb/errors';
import { authenticate, loadTenant } from '../../../lambdas/http/authenticate';
import { chainOf, type ScimContext, type ScimMiddleware } from '../../../lambdas/http/chain';
import { jsonBody, MAX_JSON_DEPTH } from '../../../lambdas/http/json-body';
import { provisioningLog } from '../../../lambdas/http/provisioning-log';
import { requestLog } from '../../../lambdas/http/request-log';
import { scimErrors } from '../../../lambdas/http/scim-errors';
import { ScimError } from '../../../lambdas/scim/errors';
import { ERROR_MESSAGE } from '../../../lambdas/scim/schema/urns';
import type { LogEntry } from '../../../lambdas/tenancy/provisioning-log';
import type { Wiring } from '../../../lambdas/wiring';
import { tenantRecord } from '../../support/tenant-records';

type ChainRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ScimContext>;

const tenant = tenantRecord();

function eventOf(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/scim/v2/acme/Users',
    headers: { 'Content-Type': 'application/scim+json', 'X-Correlation-Id': 'corr-1' },
    pathParameters: { tenantId: 'acme' },
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'r-1' },
    ...overrides,
  } as unknown as APIGatewayProxyEvent;
}

function requestOf(event: APIGatewayProxyEvent = eventOf(), error?: Error): ChainRequest {
  return {
    event,
    context: {} as ScimContext,
    response: undefined,
    error: error as Error,
    internal: {},
  } as unknown as ChainRequest;
}

/** Runs one hook of a middleware; the hooks under test are all defined. */
async function run(
  middleware: ScimMiddleware,
  hook: 'before' | 'after' | 'onError',
  request: ChainRequest,
): Promise<void> {
  const fn = middleware[hook];
  if (!fn) throw new Error(`the middleware has no ${hook}`);
  await fn(request);
}

/** A logger stand-in that records each call. */
function recordingLog() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown>) =>
    void lines.push({ level, message, fields });
  return {
    lines,
    log: { info: at('info'), error: at('error'), warn: at('warn') } as unknown as NonNullable<
      ReturnType<typeof chainOf>['log']
    >,
  };
}

describe('requestLog: correlation and one log line per request', () => {
  it('starts each request with fresh state, even on a reused context', async () => {
    const request = requestOf();
    request.context.scimChain = { tenant, committed: true };

    await run(requestLog('createUser'), 'before', request);

    const state = chainOf(request.context);
    expect(state.tenant).toBeUndefined();
    expect(state.committed).toBeUndefined();
    expect(state.log).toBeDefined();
    expect(typeof state.started).toBe('number');
  });

  it('logs a success at info level with status and method', async () => {
    const middleware = requestLog('createUser');
    const request = requestOf();
    await run(middleware, 'before', request);
    const { lines, log } = recordingLog();
    chainOf(request.context).log = log;
    request.response = { statusCode: 201, body: '' };

    await run(middleware, 'after', request);

    expect(lines).toEqual([
      { level: 'info', message: 'request', fields: expect.objectContaining({ status: 201, method: 'POST' }) },
    ]);
  });

  it('logs a client error at info level with its scimType and detail, without the error', async () => {
    const middleware = requestLog('createUser');
    const failure = ScimError.badRequest('invalidValue', 'userName is required.');
    const request = requestOf(eventOf(), failure);
    await run(middleware, 'before', request);
    const { lines, log } = recordingLog();
    Object.assign(chainOf(request.context), { log, failure });

    await run(middleware, 'onError', request);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      fields: { status: 400, scimType: 'invalidValue', detail: 'userName is required.' },
    });
    expect(lines[0]?.fields.error).toBeUndefined();
  });

  it('logs a 5xx at error level with the error and its cause chain (the DynamoDB fault behind a 429/503)', async () => {
    const middleware = requestLog('createUser');
    const dynamo = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    const failure = ScimError.unavailable(2, undefined, { cause: dynamo });
    const request = requestOf(eventOf(), failure);
    await run(middleware, 'before', request);
    const { lines, log } = recordingLog();
    Object.assign(chainOf(request.context), { log, failure });

    await run(middleware, 'onError', request);

    expect(lines[0]).toMatchObject({ level: 'error', message: 'request failed', fields: { status: 503 } });
    expect((lines[0]?.fields.error as Error).cause).toBe(dynamo);
  });

  it('logs an unexpected error itself (what was masked as a 500)', async () => {
    const middleware = requestLog('createUser');
    const unexpected = new TypeError('cannot read x of undefined');
    const request = requestOf(eventOf(), unexpected);
    await run(middleware, 'before', request);
    const { lines, log } = recordingLog();
    Object.assign(chainOf(request.context), {
      log,
      failure: new ScimError(500, 'Internal error', undefined, {}, { cause: unexpected }),
    });

    await run(middleware, 'onError', request);

    expect(lines[0]).toMatchObject({ level: 'error', fields: { status: 500, error: unexpected } });
  });
});

describe('scimErrors: RFC 7644 §3.12 error responses', () => {
  it('answers a ScimError with its status, scimType, detail and headers', async () => {
    const request = requestOf(eventOf(), ScimError.throttled(2));

    await run(scimErrors(), 'onError', request);

    expect(request.response?.statusCode).toBe(429);
    expect(request.response?.headers?.['Retry-After']).toBe('2');
    expect(JSON.parse(request.response?.body ?? '')).toEqual({
      schemas: [ERROR_MESSAGE],
      status: '429',
      detail: expect.stringContaining('Retry-After'),
    });
    expect(chainOf(request.context).failure?.status).toBe(429);
  });

  it('masks an unexpected error as a 500 that names only the request id, keeping the error as cause', async () => {
    const unexpected = new Error('connect ECONNREFUSED 10.0.0.7:8000 table=secret-table');
    const request = requestOf(eventOf(), unexpected);

    await run(scimErrors(), 'onError', request);

    expect(request.response?.statusCode).toBe(500);
    expect(request.response?.body).not.toMatch(/ECONNREFUSED|secret-table|10\.0\.0\.7/);
    expect(JSON.parse(request.response?.body ?? '').detail).toBe('Internal error; quote request id r-1 to support.');
    expect(chainOf(request.context).failure?.cause).toBe(unexpected);
  });

  it('keeps the DynamoDB error as the cause of a translated throttling answer', async () => {
    const dynamo = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    let translated: unknown;
    try {
      translateStorageError(dynamo);
    } catch (error) {
      translated = error;
    }
    const request = requestOf(eventOf(), translated as Error);

    await run(scimErrors(), 'onError', request);

    expect(request.response?.statusCode).toBe(429);
    expect(chainOf(request.context).failure?.cause).toBe(dynamo);
  });
});

describe('provisioningLog: a failed request in the tenant log', () => {
  let logged: LogEntry[];
  let wiring: Wiring;
  beforeEach(() => {
    logged = [];
    wiring = { deps: { log: { append: async (entry: LogEntry) => void logged.push(entry) } } } as unknown as Wiring;
  });
  const failed = (state: Partial<ReturnType<typeof chainOf>>) => {
    const request = requestOf(eventOf({ pathParameters: { tenantId: 'acme', id: 'u-1' } }), new Error('x'));
    Object.assign(chainOf(request.context), { failure: ScimError.conflict('userName "alice" is taken.'), ...state });
    return request;
  };

  it('writes the failure of an authenticated caller, with status, scimType, resource and detail', async () => {
    await run(
      provisioningLog('replaceUser', () => wiring),
      'onError',
      failed({ tenant }),
    );

    expect(logged).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        operation: 'replaceUser',
        status: 409,
        scimType: 'uniqueness',
        resourceId: 'u-1',
        requestId: 'r-1',
        detail: 'userName "alice" is taken.',
      }),
    ]);
  });

  it('writes nothing for an unauthenticated caller', async () => {
    await run(
      provisioningLog('replaceUser', () => wiring),
      'onError',
      failed({}),
    );

    expect(logged).toEqual([]);
  });

  it('writes nothing after a commit (the commit wrote its own entry)', async () => {
    await run(
      provisioningLog('replaceUser', () => wiring),
      'onError',
      failed({ tenant, committed: true }),
    );

    expect(logged).toEqual([]);
  });

  it('never fails the response when the log write fails: it warns', async () => {
    wiring = { deps: { log: { append: async () => Promise.reject(new Error('throttled')) } } } as unknown as Wiring;
    const { lines, log } = recordingLog();

    await run(
      provisioningLog('replaceUser', () => wiring),
      'onError',
      failed({ tenant, log }),
    );

    expect(lines.map((line) => line.level)).toEqual(['warn']);
  });
});

describe('authenticate and loadTenant: who the caller is', () => {
  it('hands on the tenant the authenticator returned', async () => {
    const wiring = {
      authenticator: {
        authenticate: async (id: string, header?: string) =>
          id === 'acme' && header === 'Bearer good' ? { tenant } : Promise.reject(ScimError.unauthorized()),
      },
    } as unknown as Wiring;
    const request = requestOf(eventOf({ headers: { Authorization: 'Bearer good' } }));

    await run(
      authenticate(() => wiring),
      'before',
      request,
    );

    expect(chainOf(request.context).tenant).toBe(tenant);
  });

  it('fails with the 401 and hands on no tenant (so nothing is logged for the tenant)', async () => {
    const wiring = {
      authenticator: { authenticate: async () => Promise.reject(ScimError.unauthorized()) },
    } as unknown as Wiring;
    const request = requestOf(eventOf({ headers: { Authorization: 'Bearer wrong' } }));

    await expect(
      run(
        authenticate(() => wiring),
        'before',
        request,
      ),
    ).rejects.toMatchObject({ status: 401 });
    expect(chainOf(request.context).tenant).toBeUndefined();
  });

  it('loadTenant answers an unknown tenant with a 404', async () => {
    const wiring = { deps: { tenants: { getTenant: async () => undefined } } } as unknown as Wiring;

    await expect(
      run(
        loadTenant(() => wiring),
        'before',
        requestOf(),
      ),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('jsonBody: the body of a route that takes one', () => {
  const parse = async (
    overrides: Partial<APIGatewayProxyEvent>,
    operation: 'createUser' | 'getUser' = 'createUser',
    limit = 1_000,
  ) => {
    const request = requestOf(eventOf(overrides));
    await run(
      jsonBody(operation, () => limit),
      'before',
      request,
    );
    return chainOf(request.context).body;
  };
  const refusal = async (overrides: Partial<APIGatewayProxyEvent>, limit = 1_000): Promise<ScimError> => {
    try {
      await parse(overrides, 'createUser', limit);
    } catch (error) {
      if (error instanceof ScimError) return error;
      throw error;
    }
    throw new Error('expected a ScimError');
  };

  it('hands on the parsed body', async () => {
    expect(await parse({ body: '{"userName":"alice"}' })).toEqual({ userName: 'alice' });
  });

  it('ignores a body on a body-less route (no Content-Type needed)', async () => {
    expect(await parse({ httpMethod: 'GET', body: 'not json', headers: {} }, 'getUser')).toBeUndefined();
  });

  it.each([
    ['a body over the limit', { body: `{"a":"${'x'.repeat(1_000)}"}` }, 413, undefined],
    ['a text/plain body', { body: '{}', headers: { 'Content-Type': 'text/plain' } }, 415, undefined],
    [
      'a Latin-1 charset',
      { body: '{}', headers: { 'Content-Type': 'application/scim+json; charset=iso-8859-1' } },
      415,
      undefined,
    ],
    ['invalid JSON', { body: '{"password":"hunter2"' }, 400, 'invalidSyntax'],
    [
      'JSON nested too deep',
      { body: `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}` },
      400,
      'invalidSyntax',
    ],
  ])('refuses %s', async (_name, overrides, status, scimType) => {
    const error = await refusal(overrides as Partial<APIGatewayProxyEvent>);

    expect(error.status).toBe(status);
    expect(error.scimType).toBe(scimType);
    expect(error.detail).not.toContain('hunter2');
  });
});
