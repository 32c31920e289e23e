import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DEFAULT_MAX_BODY_BYTES } from '../../../lambdas/config';
import { COMMIT_RESERVE_MS, defineOperation } from '../../../lambdas/http/define-operation';
import { Authenticator } from '../../../lambdas/operations/credentials/authenticate';
import type { Dependencies } from '../../../lambdas/operations/ports';
import type { Operation } from '../../../lambdas/operations/request';
import type { LogEntry } from '../../../lambdas/tenancy/provisioning-log';
import { generateToken } from '../../../lambdas/tenancy/tokens';
import type { Wiring } from '../../../lambdas/wiring';
import { storedResource } from '../../support/memory-ports';
import { KEY_RING, tenantRecord, tokenRecord } from '../../support/tenant-records';

const ring = KEY_RING;
const token = generateToken();
const record = tenantRecord({ tokens: [tokenRecord('t1', token)] });
const user = storedResource('u-1', { userName: 'alice' });

/**
 * The request chain's deadline and logging rules (issue 16 items 6 and 8), over in-memory ports: a
 * commit starts only with time left, a committed write is never answered as a failure, and an
 * unauthenticated request writes nothing.
 */
describe('defineOperation: deadlines, commits and what a failed request writes', () => {
  let commits: number;
  let logged: LogEntry[];
  let wiring: Wiring;

  beforeEach(() => {
    commits = 0;
    logged = [];
    const tenants = {
      getTenant: async (id: string) => (id === 'acme' ? record : undefined),
      recordTokenUse: async () => undefined,
    };
    const deps = {
      directory: {},
      groups: {},
      writes: { commit: async () => void (commits += 1) },
      tenants,
      log: { append: async (entry: LogEntry) => void logged.push(entry) },
      tokenKeys: { getKeyRing: async () => ring },
      clock: { now: () => new Date('2026-11-24T10:00:00Z') },
      ids: { newId: () => 'id' },
    } as unknown as Dependencies;
    wiring = {
      config: { tableName: 't', tokenKeyFile: 'f', maxBodyBytes: DEFAULT_MAX_BODY_BYTES },
      deps,
      authenticator: new Authenticator(deps),
    };
  });

  const event = (tenantId: string, authorization: string): APIGatewayProxyEvent =>
    ({
      httpMethod: 'POST',
      path: `/scim/v2/${tenantId}/Users`,
      headers: { Authorization: authorization, 'Content-Type': 'application/scim+json' },
      pathParameters: { tenantId },
      queryStringParameters: null,
      body: JSON.stringify({ userName: 'alice' }),
      isBase64Encoded: false,
      requestContext: {
        requestId: 'r-1',
        domainName: 'api.example.com',
        path: `/scim/v2/${tenantId}/Users`,
        stage: 'v1',
      },
    }) as unknown as APIGatewayProxyEvent;
  const context = (remainingMs: () => number) => ({ getRemainingTimeInMillis: remainingMs }) as unknown as Context;

  /** Commits, then keeps working for `afterMs` (rendering, a slow read): what timed out after the commit before. */
  const committing =
    (afterMs = 0): Operation =>
    async (_request, deps) => {
      await deps.writes.commit({
        tenantId: 'acme',
        transactions: [
          { writes: [{ type: 'putResource', resourceType: 'User', resource: user, expected: { kind: 'absent' } }] },
        ],
      });
      if (afterMs > 0) await new Promise((resolve) => setTimeout(resolve, afterMs));
      return { status: 201, body: { id: user.id } };
    };

  it(`stops before the commit with a 503 and Retry-After when less than COMMIT_RESERVE_MS (${COMMIT_RESERVE_MS} ms) remain, changing nothing`, async () => {
    const handler = defineOperation('createUser', committing(), { wiring: () => wiring });

    const result = (await handler(
      event('acme', `Bearer ${token}`),
      context(() => COMMIT_RESERVE_MS - 1),
    )) as APIGatewayProxyResult;

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBeDefined();
    expect(JSON.parse(result.body).detail).toMatch(/nothing was changed/);
    expect(commits).toBe(0);
  });

  it('answers a committed write with its success even when the work after the commit outlives the remaining time', async () => {
    const deadline = Date.now() + 100;
    const handler = defineOperation('createUser', committing(300), { wiring: () => wiring, commitReserveMs: 0 });

    const result = (await handler(
      event('acme', `Bearer ${token}`),
      context(() => deadline - Date.now()),
    )) as APIGatewayProxyResult;

    expect(commits).toBe(1);
    expect(result.statusCode).toBe(201);
    expect(logged).toEqual([]);
  });

  it('writes no failure log row for a failure after the commit (the commit wrote its own), and logs it as committed', async () => {
    const failing: Operation = async (request, deps) => {
      await committing()(request, deps);
      throw new Error('render failed');
    };
    const handler = defineOperation('createUser', failing, { wiring: () => wiring });

    const result = (await handler(
      event('acme', `Bearer ${token}`),
      context(() => 10_000),
    )) as APIGatewayProxyResult;

    expect(commits).toBe(1);
    expect(result.statusCode).toBe(500);
    expect(logged).toEqual([]);
  });

  it('writes a failure log row for an authenticated request that fails before committing', async () => {
    const refusing: Operation = async () => {
      throw new Error('boom');
    };
    const handler = defineOperation('createUser', refusing, { wiring: () => wiring });

    await handler(
      event('acme', `Bearer ${token}`),
      context(() => 10_000),
    );

    expect(logged.map((entry) => entry.status)).toEqual([500]);
  });

  it.each([
    ['a real tenant', 'acme'],
    ['an unknown tenant', 'nobody'],
  ])(
    'writes nothing for a wrong token on %s, and answers 401 with WWW-Authenticate: Bearer',
    async (_name, tenantId) => {
      const handler = defineOperation('createUser', committing(), { wiring: () => wiring });

      const result = (await handler(
        event(tenantId, `Bearer ${generateToken()}`),
        context(() => 10_000),
      )) as APIGatewayProxyResult;

      expect(result.statusCode).toBe(401);
      expect(result.headers?.['WWW-Authenticate']).toMatch(/^Bearer\b/);
      expect(logged).toEqual([]);
      expect(commits).toBe(0);
    },
  );

  it('reads a base64 body as strict UTF-8: invalid bytes are a 400, not U+FFFD', async () => {
    const handler = defineOperation('createUser', committing(), { wiring: () => wiring });
    const bytes = Buffer.concat([Buffer.from('{"userName":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);

    const result = (await handler(
      { ...event('acme', `Bearer ${token}`), body: bytes.toString('base64'), isBase64Encoded: true },
      context(() => 10_000),
    )) as APIGatewayProxyResult;

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).scimType).toBe('invalidSyntax');
    expect(commits).toBe(0);
  });
});
