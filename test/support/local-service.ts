import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../../lambdas/local/dynamodb-local';
import { startLocalService, type LocalService } from '../../lambdas/local/run';
import { suiteValue } from './suite-value';

/** A local service on a free port over the run's DynamoDB Local, with its own table and data folder. */
export interface TestService extends LocalService {
  readonly dataDir: string;
  readonly tableName: string;
}

export interface TestServiceOptions {
  /**
   * Run over a DynamoDB Local of the suite's own instead of the run's shared one: for suites whose
   * thousands of transactions would otherwise run on an engine holding every earlier suite's data.
   * The suite's helpers (seeding, table inspection) follow it through DYNAMODB_ENDPOINT until stop.
   */
  readonly ownEngine?: boolean;
}

/**
 * The function timeout test requests run under. On a starved 2-core CI machine DynamoDB Local (one
 * SQLite file: every write waits for the others) can take longer than the 10 s a Lambda gets, and a
 * test would see 503 "ran out of time" for work that is only slow. API Gateway's 29 s still bounds
 * each request (http/define-operation.ts); the deadline itself is tested in
 * test/unit/http/define-operation.test.ts.
 */
const TEST_FUNCTION_TIMEOUT_MS = 60_000;

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const shared = process.env.DYNAMODB_ENDPOINT;
  if (!shared) throw new Error('DYNAMODB_ENDPOINT is not set: integration tests need the global setup');
  const engine = options.ownEngine ? await startDynamoDbLocal() : undefined;
  const endpoint = engine?.endpoint ?? shared;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-test-'));
  const tableName = `scim-test-${randomUUID()}`;
  const service = await startLocalService({
    dataDir,
    port: 0,
    dynamodbEndpoint: endpoint,
    tableName,
    functionTimeoutMs: TEST_FUNCTION_TIMEOUT_MS,
  });
  return {
    ...service,
    dataDir,
    tableName,
    async stop() {
      await service.stop();
      // Each suite's table goes with it, so the shared engine does not grow with every suite of the run.
      const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        client.destroy();
      }
      await engine?.stop();
      process.env.DYNAMODB_ENDPOINT = shared;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The suite's test service: started before its tests, stopped (table and data folder removed) after
 * them. Call it in a `describe` body, where a suite would otherwise declare `let service` and the two hooks.
 */
export function useTestService(options: TestServiceOptions = {}): TestService {
  return suiteValue(
    'the test service',
    () => startTestService(options),
    (service) => service.stop(),
  );
}

export interface ScimCall {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> | undefined;
}

/** One HTTP call with a bearer token; parses the JSON body when there is one. */
export async function scim(
  url: string,
  token: string | undefined,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ScimCall> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}
