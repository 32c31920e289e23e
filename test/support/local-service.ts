import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLocalService, type LocalService } from '../../lambdas/local/run';

/** A local service on a free port over the run's DynamoDB Local, with its own table and data folder. */
export interface TestService extends LocalService {
  readonly dataDir: string;
  readonly tableName: string;
}

export async function startTestService(): Promise<TestService> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: integration tests need the global setup');
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-test-'));
  const tableName = `scim-test-${randomUUID()}`;
  const service = await startLocalService({ dataDir, port: 0, dynamodbEndpoint: endpoint, tableName });
  return {
    ...service,
    dataDir,
    tableName,
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ScimCall {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> | undefined;
}

/** One HTTP call with a bearer token; parses the JSON body when there is one. */
export async function scim(url: string, token: string | undefined, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ScimCall> {
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
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}
