import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  toGroupItem,
  toMembershipItem,
  toUserItem,
  toUserNameMarkerItem,
  type Item,
} from '../lambdas/adapters/dynamodb/codec';
import { resourceCountKey } from '../lambdas/adapters/dynamodb/keys';
import { handlerFileName, routes, SCIM_BASE_PATH, type OperationName } from '../lambdas/contracts/routes';
import { startDynamoDbLocal, type DynamoDbLocal } from '../lambdas/local/dynamodb-local';
import { startLocalService, type LocalService } from '../lambdas/local/run';
import type { StoredResource } from '../lambdas/operations/ports';
import { createTenant } from '../lambdas/operations/tenants/tenant-admin';
import { createDocumentClient, getWiring } from '../lambdas/wiring';
import { capacityOf, type Capacity } from './capacity';

export const progress = (message: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** One DynamoDB command as the handler's client sent it. */
export interface SentCommand {
  readonly name: string;
  readonly capacity: Capacity;
}

/** A SCIM request in the shape both the HTTP client and the direct handler call take. */
export interface ScimRequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the tenant URL, e.g. `/Users/<id>`. */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

export interface BenchTenant {
  readonly tenantId: string;
  readonly token: string;
}

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * DynamoDB Local (in memory), the local service on a free port, and a recorder on the handlers'
 * document client that keeps every command's name and the capacity its items cost.
 */
export class BenchEnvironment {
  private recording: SentCommand[] | undefined;
  private readonly handlers = new Map<string, Promise<ProxyHandler>>();

  private constructor(
    readonly database: DynamoDbLocal,
    readonly service: LocalService,
    readonly dataDir: string,
    readonly seeding: DynamoDBDocumentClient,
  ) {}

  static async start(): Promise<BenchEnvironment> {
    progress('starting DynamoDB Local (in memory) and the local service');
    const database = await startDynamoDbLocal();
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-bench-'));
    try {
      const service = await startLocalService({
        dataDir,
        port: 0,
        dynamodbEndpoint: database.endpoint,
        tableName: `scim-bench-${randomUUID().slice(0, 8)}`,
      });
      const environment = new BenchEnvironment(
        database,
        service,
        dataDir,
        createDocumentClient({ dynamodbEndpoint: database.endpoint }),
      );
      environment.attachRecorder();
      return environment;
    } catch (error) {
      await database.stop();
      throw error;
    }
  }

  get tableName(): string {
    return this.service.instance.tableName;
  }

  /** The handlers' own document client (the stores hold it; wiring builds one per container). */
  private attachRecorder(): void {
    const client = (getWiring().deps.directory as unknown as { client: DynamoDBDocumentClient }).client;
    // At the build step the request is serialised and the response not yet unmarshalled: both are
    // in DynamoDB's wire format, which is what item sizes are defined over.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (this.recording) {
          const body = (args.request as { body?: unknown }).body;
          const text =
            typeof body === 'string'
              ? body
              : body instanceof Uint8Array
                ? Buffer.from(body).toString('utf8')
                : undefined;
          const input = text ? JSON.parse(text) : undefined;
          const name = String(context.commandName);
          this.recording.push({ name, capacity: capacityOf(name, input, (result as { output?: unknown }).output) });
        }
        return result;
      },
      { step: 'finalizeRequest', name: 'benchRecorder' },
    );
  }

  /** Runs `act` and returns the DynamoDB commands the handlers' client sent meanwhile. */
  async record<T>(act: () => Promise<T>): Promise<{ result: T; commands: SentCommand[] }> {
    this.recording = [];
    try {
      const result = await act();
      return { result, commands: this.recording };
    } finally {
      this.recording = undefined;
    }
  }

  async createTenant(prefix: string): Promise<BenchTenant> {
    const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const issued = await createTenant(getWiring().deps, tenantId, { displayName: `bench ${prefix}` });
    return { tenantId, token: issued.token };
  }

  tenantUrl(tenant: BenchTenant): string {
    return `${this.service.baseUrl}/${tenant.tenantId}`;
  }

  /** Sends one SCIM request over HTTP as Entra does (Bearer token, scim+json body; spaces in the query as %20). */
  fetch(tenant: BenchTenant, spec: ScimRequestSpec, signal?: AbortSignal): Promise<Response> {
    const query = spec.query ? `?${new URLSearchParams(spec.query).toString().replace(/\+/g, '%20')}` : '';
    return fetch(`${this.tenantUrl(tenant)}${spec.path}${query}`, {
      method: spec.method,
      headers: {
        Authorization: `Bearer ${tenant.token}`,
        ...(spec.body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
      },
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      ...(signal ? { signal } : {}),
    });
  }

  /** One SCIM call over HTTP; returns the status, the parsed body and the wall time in ms. */
  async http(tenant: BenchTenant, spec: ScimRequestSpec): Promise<{ status: number; body: any; ms: number }> {
    const started = performance.now();
    const response = await this.fetch(tenant, spec);
    const text = await response.text();
    const ms = performance.now() - started;
    return { status: response.status, body: text ? JSON.parse(text) : undefined, ms };
  }

  /** Calls the route's handler module directly with an API Gateway proxy event, as lambdas/local/server.ts does. */
  async invoke(
    tenant: BenchTenant,
    operation: OperationName,
    spec: ScimRequestSpec,
    pathParameters: Record<string, string> = {},
  ): Promise<APIGatewayProxyResult> {
    const route = routes.find((candidate) => candidate.operation === operation);
    if (!route) throw new Error(`no route for ${operation}`);
    let loading = this.handlers.get(operation);
    if (!loading) {
      loading = import(`../lambdas/handlers/${handlerFileName(operation)}`).then(
        (module: { handler: ProxyHandler }) => module.handler,
      );
      this.handlers.set(operation, loading);
    }
    const handler = await loading;
    const requestId = randomUUID();
    const path = `${SCIM_BASE_PATH}/${tenant.tenantId}${spec.path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${tenant.token}`,
      host: '127.0.0.1',
      'X-Forwarded-Proto': 'http',
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/scim+json';
    const event = {
      resource: route.path,
      path,
      httpMethod: spec.method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      queryStringParameters: spec.query ?? null,
      multiValueQueryStringParameters: spec.query
        ? Object.fromEntries(Object.entries(spec.query).map(([name, value]) => [name, [value]]))
        : null,
      pathParameters: { tenantId: tenant.tenantId, ...pathParameters },
      stageVariables: null,
      body: spec.body === undefined ? null : JSON.stringify(spec.body),
      isBase64Encoded: false,
      requestContext: {
        requestId,
        domainName: '127.0.0.1',
        path,
        httpMethod: spec.method,
        stage: 'bench',
        resourcePath: route.path,
      },
    } as unknown as APIGatewayProxyEvent;
    const context = {
      functionName: `bench-${operation}`,
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    return handler(event, context);
  }

  /** Calls an OAuth endpoint's handler module directly (route auth `client`), as the local server does. */
  async invokeOAuth(
    operation: OperationName,
    tenantId: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<APIGatewayProxyResult> {
    const route = routes.find((candidate) => candidate.operation === operation);
    if (!route) throw new Error(`no route for ${operation}`);
    const handler = (await import(`../lambdas/handlers/${handlerFileName(operation)}`)) as { handler: ProxyHandler };
    const requestId = randomUUID();
    const path = route.path.replace('{tenantId}', tenantId);
    const event = {
      resource: route.path,
      path,
      httpMethod: route.method,
      headers: { host: '127.0.0.1', 'X-Forwarded-Proto': 'http', ...headers },
      pathParameters: { tenantId },
      queryStringParameters: null,
      body,
      isBase64Encoded: false,
      requestContext: {
        requestId,
        domainName: '127.0.0.1',
        path,
        httpMethod: route.method,
        stage: 'bench',
        resourcePath: route.path,
      },
    } as unknown as APIGatewayProxyEvent;
    return handler.handler(event, {
      functionName: `bench-${operation}`,
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context);
  }

  /** Writes items with BatchWriteItem (25 per call, 8 writers), retrying unprocessed ones. */
  async seedItems(items: readonly Item[], label: string): Promise<void> {
    const batches: Item[][] = [];
    for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
    let written = 0;
    let reported = Date.now();
    const writer = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        let pending: Item[] = batch.map((item) => ({ PutRequest: { Item: item } }));
        while (pending.length > 0) {
          const { UnprocessedItems } = await this.seeding.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          );
          pending = (UnprocessedItems?.[this.tableName] ?? []) as Item[];
        }
        written += batch.length;
        if (Date.now() - reported > 10_000) {
          reported = Date.now();
          progress(`  ${label}: ${written}/${items.length} items`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
  }

  /**
   * Seeds `count` users straight into the table (user, userName marker), optionally as members of
   * `group`, and sets the tenant's user count item. Returns the user ids.
   */
  async seedUsers(
    tenant: BenchTenant,
    count: number,
    options: { prefix: string; memberOf?: string; existingUsers?: number } = { prefix: 'u' },
  ): Promise<string[]> {
    const now = new Date().toISOString();
    const users: StoredResource[] = Array.from({ length: count }, (_unused, index) => ({
      id: randomUUID(),
      version: 1,
      created: now,
      lastModified: now,
      data: {
        userName: `${options.prefix}${index}@${tenant.tenantId}.example`,
        externalId: `${options.prefix}-x${index}`,
        active: true,
        displayName: `Bench User ${index}`,
        name: { givenName: 'Bench', familyName: `User ${index}` },
        emails: [{ type: 'work', primary: true, value: `${options.prefix}${index}@${tenant.tenantId}.example` }],
      },
    }));
    const items: Item[] = users.flatMap((user) => [
      toUserItem(tenant.tenantId, user),
      toUserNameMarkerItem(tenant.tenantId, String(user.data.userName), user.id),
    ]);
    if (options.memberOf)
      items.push(...users.map((user) => toMembershipItem(tenant.tenantId, options.memberOf as string, user.id, 1)));
    items.push({
      ...resourceCountKey(tenant.tenantId, 'User'),
      kind: 'count',
      count: count + (options.existingUsers ?? 0),
    });
    await this.seedItems(items, `${tenant.tenantId} users`);
    return users.map((user) => user.id);
  }

  /** Seeds one group item (its members are seeded with seedUsers' memberOf). */
  async seedGroup(tenant: BenchTenant, displayName: string): Promise<string> {
    const now = new Date().toISOString();
    const group: StoredResource = {
      id: randomUUID(),
      version: 1,
      created: now,
      lastModified: now,
      data: { displayName, externalId: randomUUID() },
    };
    await this.seedItems(
      [toGroupItem(tenant.tenantId, group), { ...resourceCountKey(tenant.tenantId, 'Group'), kind: 'count', count: 1 }],
      'group',
    );
    return group.id;
  }

  async stop(): Promise<void> {
    this.seeding.destroy();
    await this.service.stop();
    await this.database.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
