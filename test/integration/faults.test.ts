import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DynamoDirectoryStore } from '../../lambdas/adapters/dynamodb/directory-store';
import { DynamoGroupStore } from '../../lambdas/adapters/dynamodb/group-store';
import { DynamoWriteStore } from '../../lambdas/adapters/dynamodb/write-store';
import { DynamoGuardStore } from '../../lambdas/adapters/dynamodb/guard-store';
import { DynamoTenantStore } from '../../lambdas/adapters/dynamodb/tenant-store';
import { FileTokenKeys } from '../../lambdas/adapters/local/file-token-keys';
import { DEFAULT_MAX_BODY_BYTES } from '../../lambdas/config';
import { routeOf, type OperationName } from '../../lambdas/contracts/routes';
import { defineOperation } from '../../lambdas/http/define-operation';
import { logger } from '../../lambdas/http/logger';
import { Authenticator, KEY_CACHE_TTL_MS } from '../../lambdas/operations/credentials/authenticate';
import { createGroup } from '../../lambdas/operations/scim/groups/create-group';
import { createUser } from '../../lambdas/operations/scim/users/create-user';
import { getUser } from '../../lambdas/operations/scim/users/get-user';
import { listUsers } from '../../lambdas/operations/scim/users/list-users';
import { patchGroup } from '../../lambdas/operations/scim/groups/patch-group';
import type { Dependencies } from '../../lambdas/operations/ports';
import type { Operation } from '../../lambdas/operations/request';
import { createTenant } from '../../lambdas/operations/tenants/tenant-admin';
import { createDocumentClient, type Wiring } from '../../lambdas/wiring';
import { buildEvent } from '../../lambdas/events/catalog';
import { ERROR_URN, patchBody, userBody } from '../support/conformance';
import { createTestTable } from '../support/table-inspection';

/**
 * Infrastructure faults injected at the SDK client (a middleware on the document client the stores
 * use, ahead of the SDK's own retries), seen through the real request chain (defineOperation).
 * docs/operations.md "Errors clients see": throttling → 429, transient → 503, both with Retry-After;
 * anything unexpected → a 500 that reveals nothing.
 */
describe('faults at the DynamoDB client, through the request chain', () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  const tableName = `scim-faults-${randomUUID()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-faults-'));
  const tenantId = `fault-${randomUUID().slice(0, 8)}`;
  let token: string;
  let now = Date.now();
  /** The fault the next matching command meets, or none. */
  let fault: { readonly command: string; readonly error: () => Error } | undefined;
  let keyFetchFails = false;
  let keyFetches = 0;
  let wiring: Wiring;
  let documentClient: ReturnType<typeof createDocumentClient>;

  const buildWiring = (): Wiring => {
    const fileKeys = new FileTokenKeys(join(dataDir, 'token-key.json'));
    const tenants = new DynamoTenantStore(documentClient, tableName);
    const deps: Dependencies = {
      directory: new DynamoDirectoryStore(documentClient, tableName),
      groups: new DynamoGroupStore(documentClient, tableName),
      writes: new DynamoWriteStore(documentClient, tableName),
      guard: new DynamoGuardStore(documentClient, tableName),
      tenants,
      log: tenants,
      tokenKeys: {
        getKeyRing: () => {
          keyFetches += 1;
          return keyFetchFails ? Promise.reject(new Error('Secrets Manager is unreachable')) : fileKeys.getKeyRing();
        },
      },
      clock: { now: () => new Date(now) },
      ids: { newId: () => randomUUID() },
    };
    return {
      config: {
        tableName,
        tokenKeyFile: join(dataDir, 'token-key.json'),
        dynamodbEndpoint: endpoint,
        maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      },
      deps,
      authenticator: new Authenticator(deps),
    };
  };

  beforeAll(async () => {
    await createTestTable(tableName, endpoint);
    documentClient = createDocumentClient({ dynamodbEndpoint: endpoint });
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (fault && fault.command === context.commandName) throw fault.error();
        return next(args);
      },
      { step: 'initialize', name: 'injectFault' },
    );
    wiring = buildWiring();
    token = (await createTenant(wiring.deps, tenantId)).token;
  }, 30_000);

  afterEach(() => {
    fault = undefined;
    keyFetchFails = false;
  });

  afterAll(() => {
    documentClient.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Calls the operation's Lambda handler with an API-Gateway-like event (as lambdas/local/server.ts builds it). */
  const invoke = async (
    name: OperationName,
    operation: Operation,
    init: {
      id?: string;
      body?: unknown;
      query?: Record<string, string>;
      headers?: Record<string, string>;
      wiring?: Wiring;
    } = {},
  ): Promise<APIGatewayProxyResult> => {
    const route = routeOf(name);
    const pathParameters: Record<string, string> = { tenantId, ...(init.id !== undefined ? { id: init.id } : {}) };
    const path = route.path.replace('{tenantId}', tenantId).replace('{id}', init.id ?? '');
    const requestId = randomUUID();
    const event = {
      resource: route.path,
      path,
      httpMethod: route.method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json', ...init.headers },
      multiValueHeaders: {},
      queryStringParameters: init.query ?? null,
      multiValueQueryStringParameters: null,
      pathParameters,
      stageVariables: null,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      isBase64Encoded: false,
      requestContext: {
        requestId,
        domainName: 'scim.example',
        path,
        httpMethod: route.method,
        stage: 'test',
        resourcePath: route.path,
      },
    } as unknown as APIGatewayProxyEvent;
    const handler = defineOperation(name, operation, { wiring: () => init.wiring ?? wiring });
    return handler(event, { awsRequestId: requestId, getRemainingTimeInMillis: () => 10_000 } as Context);
  };

  const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode }, message: 'injected' });
  const bodyOf = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, unknown>;

  it('answers a request normally when no fault is injected (the harness itself works)', async () => {
    const result = await invoke('createUser', createUser, { body: userBody() });

    expect(result.statusCode).toBe(201);
  });

  it.each([
    ['ProvisionedThroughputExceededException', () => new ProvisionedThroughputExceededException(metadata(400))],
    ['ThrottlingException', () => new ThrottlingException(metadata(400))],
  ])('turns %s on the create transaction into 429 with Retry-After and a SCIM error body', async (_name, error) => {
    fault = { command: 'TransactWriteItemsCommand', error };

    const result = await invoke('createUser', createUser, { body: userBody() });

    expect(result.statusCode).toBe(429);
    expect(result.headers).toMatchObject({
      'Content-Type': 'application/scim+json',
      'Retry-After': expect.stringMatching(/^\d+$/),
    });
    expect(bodyOf(result)).toMatchObject({ schemas: [ERROR_URN], status: '429' });
  });

  it('turns throttling on a read (GetItem of GET /Users/{id}) into 429 with Retry-After', async () => {
    const created = bodyOf(await invoke('createUser', createUser, { body: userBody() }));
    fault = { command: 'GetItemCommand', error: () => new ThrottlingException(metadata(400)) };

    const result = await invoke('getUser', getUser, { id: String(created.id) });

    expect(result.statusCode).toBe(429);
    expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
  });

  it.each([
    ['InternalServerError', () => new InternalServerError(metadata(500))],
    [
      'ServiceUnavailable (a bare 503)',
      () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', ...metadata(503) }),
    ],
    [
      'an unnamed 502 from a proxy',
      () => Object.assign(new Error('Bad Gateway'), { name: 'Unknown', ...metadata(502) }),
    ],
  ])('turns %s on a listing Query into 503 with Retry-After', async (_name, error) => {
    fault = { command: 'QueryCommand', error };

    const result = await invoke('listUsers', listUsers, { query: { count: '5' } });

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({
      'Content-Type': 'application/scim+json',
      'Retry-After': expect.stringMatching(/^\d+$/),
    });
    expect(bodyOf(result)).toMatchObject({ schemas: [ERROR_URN], status: '503' });
  });

  it('turns TransactionCanceled with a TransactionConflict reason into 503 with Retry-After (not 409, not 412)', async () => {
    fault = {
      command: 'TransactWriteItemsCommand',
      error: () =>
        new TransactionCanceledException({
          ...metadata(400),
          CancellationReasons: [
            { Code: 'None' },
            { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
            { Code: 'None' },
          ],
        }),
    };

    const result = await invoke('createUser', createUser, { body: userBody() });

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
  });

  it('turns a TransactionConflict on a group PATCH into 503: no member added, and its retries reuse the one version they reserved', async () => {
    const group = bodyOf(await invoke('createGroup', createGroup, { body: { displayName: `G ${randomUUID()}` } }));
    const member = bodyOf(await invoke('createUser', createUser, { body: userBody() }));
    fault = {
      command: 'TransactWriteItemsCommand',
      error: () =>
        new TransactionCanceledException({
          ...metadata(400),
          CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
        }),
    };

    const result = await invoke('patchGroup', patchGroup, {
      id: String(group.id),
      body: patchBody([{ op: 'add', path: 'members', value: [{ value: member.id }] }]),
    });
    fault = undefined;
    const stored = await wiring.deps.groups.getGroup(tenantId, String(group.id));

    expect(result.statusCode).toBe(503);
    expect(stored?.version).toBeLessThanOrEqual(2);
    expect(await wiring.deps.groups.listMembers(tenantId, String(group.id), 10)).toEqual([]);
  });

  it('keeps serving with the cached token key when a key refresh fails after the cache expired', async () => {
    const fresh = buildWiring();
    const first = await invoke('listUsers', listUsers, { wiring: fresh });
    const fetchesBefore = keyFetches;
    now += KEY_CACHE_TTL_MS + 60_000;
    keyFetchFails = true;

    const result = await invoke('listUsers', listUsers, { wiring: fresh });

    expect(first.statusCode).toBe(200);
    expect(keyFetches).toBeGreaterThan(fetchesBefore);
    expect(result.statusCode).toBe(200);
  });

  it('answers a key fetch that fails with nothing cached with a 5xx that names neither the cause nor the secret', async () => {
    keyFetchFails = true;

    const result = await invoke('listUsers', listUsers, { wiring: buildWiring() });

    expect(result.statusCode).toBeGreaterThanOrEqual(500);
    expect(result.body).not.toMatch(/Secrets Manager|unreachable|token-key/i);
  });

  it('turns an unexpected error into a 500 whose body reveals nothing (no message, no stack, no names), and logs the cause with the request id', async () => {
    const secret = `arn:aws:dynamodb:eu-west-1:123456789012:table/${tableName}`;
    fault = {
      command: 'TransactWriteItemsCommand',
      error: () =>
        Object.assign(new Error(`ValidationException: One or more parameter values were invalid for ${secret}`), {
          name: 'ValidationException',
          ...metadata(400),
        }),
    };
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    const level = logger.getLevelName();
    logger.setLogLevel('ERROR');

    let result: APIGatewayProxyResult;
    try {
      result = await invoke('createUser', createUser, { body: userBody() });
    } finally {
      logger.setLogLevel(level);
      for (const spy of spies) spy.mockRestore();
    }

    const body = bodyOf(result);
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['Content-Type']).toBe('application/scim+json');
    expect(Object.keys(body).sort()).toEqual(['detail', 'schemas', 'status']);
    expect(body).toMatchObject({
      schemas: [ERROR_URN],
      status: '500',
      detail: expect.stringMatching(/^Internal error; quote request id [0-9a-f-]{36} to support\.$/),
    });
    expect(result.body).not.toMatch(/ValidationException|arn:aws|123456789012|parameter values|at .*\.ts|scim-faults/);
    const requestId = /request id ([0-9a-f-]{36})/.exec(String(body.detail))?.[1] ?? 'none';
    const line = written.find((text) => text.includes(requestId) && text.includes('"status":500'));
    expect(line).toContain('ValidationException');
  });

  it("answers a hold that lost to another removal's transaction (TransactionConflict) with the hold in force, not a failure", async () => {
    const holdEvent = (id: string, version: number) =>
      buildEvent({
        detailType: 'Removals Held',
        tenantId,
        resourceType: 'Tenant',
        resourceId: tenantId,
        version,
        occurredAt: new Date(now).toISOString(),
        requestId: randomUUID(),
        changedAttributes: ['hold'],
        previous: {},
        snapshot: { holdId: id, since: new Date(now).toISOString(), limit: 1, window: '1h' },
      });
    const first = { id: randomUUID(), since: new Date(now).toISOString() };
    const holds = (await wiring.deps.guard.getGuard(tenantId)).holds;
    await wiring.deps.guard.startHold(tenantId, first, holdEvent(first.id, holds + 1));
    fault = {
      command: 'TransactWriteItemsCommand',
      error: () =>
        new TransactionCanceledException({
          ...metadata(400),
          CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }],
        }),
    };
    const second = { id: randomUUID(), since: new Date(now).toISOString() };

    const inForce = await wiring.deps.guard.startHold(tenantId, second, holdEvent(second.id, holds + 2));

    fault = undefined;
    expect(inForce).toEqual(first);
    await wiring.deps.guard.endHold(tenantId, first.id, now, 3_600);
  });
});
