import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSyncStore } from '../lambdas/adapters/dynamodb/sync-store';
import { GraphHttpClient } from '../lambdas/adapters/graph/graph-client';
import { FileConnectorSecrets } from '../lambdas/adapters/local/file-connector-secrets';
import { connectSync } from '../lambdas/operations/graph-sync/sync-admin';
import type { SyncDependencies } from '../lambdas/operations/graph-sync/sync-ports';
import { runSyncSlice, startRun } from '../lambdas/operations/graph-sync/sync-run';
import type { RunRecord } from '../lambdas/sync/run-record';
import { getWiring } from '../lambdas/wiring';
import { FakeGraph } from '../test/support/fake-graph';
import { seedDirectory } from '../test/support/graph-directory';
import type { BenchEnvironment } from './harness';
import { progress, round } from './harness';

export interface GraphRunFigures {
  users: number;
  seconds: number;
  graphRequests: number;
  dynamodbRequests: number;
  changedUsers: number;
  dynamodbRequestsPerChangedUser: number;
  created: number;
  updated: number;
  errors: number;
}

export interface GraphSyncFigures {
  initialPull: GraphRunFigures;
  deltaRun: GraphRunFigures;
  pageSize: number;
}

/**
 * Graph pull sync (docs/graph-sync.md) against the loopback fake Graph: an initial pull of `users`
 * users in five groups (one holding everyone), then a delta run after `changes` users changed.
 * DynamoDB requests are those of the handlers' client, which the sync's use cases and its own store share.
 */
export async function runGraphSync(
  environment: BenchEnvironment,
  options: { users: number; changes: number },
): Promise<GraphSyncFigures> {
  const pageSize = 100;
  const graph = await new FakeGraph({ pageSize, membersPerAppearance: 500 }).start();
  try {
    // Everyone enabled and no filters: every user of the pull is written.
    const directory = seedDirectory(graph, options.users);
    directory.users.forEach((user) => graph.updateUser(user.id, { accountEnabled: true }));
    const base = getWiring().deps;
    const client = (base.directory as unknown as { client: DynamoDBDocumentClient }).client;
    const deps: SyncDependencies = {
      ...base,
      sync: new DynamoSyncStore(client, environment.tableName),
      secrets: new FileConnectorSecrets(join(environment.dataDir, 'connector-secrets')),
      graph: (connector, secret) => new GraphHttpClient(connector, secret),
      tenantUrlBase: environment.service.baseUrl,
    };
    const tenant = await environment.createTenant('graph');
    await connectSync(deps, {
      tenantId: tenant.tenantId,
      entraTenantId: graph.entraTenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      graphUrl: graph.url,
      loginUrl: graph.url,
      filters: [],
      groups: [],
      map: [],
      revokeScimTokens: true,
    });

    const measure = async (label: string, changed: (run: RunRecord) => number): Promise<GraphRunFigures> => {
      const before = graph.requests.token + graph.requests.users + graph.requests.groups;
      const started = performance.now();
      const { result: run, commands } = await environment.record(async () => {
        const queued = await startRun(deps, tenant.tenantId, 'manual');
        return runSyncSlice(deps, tenant.tenantId, queued.runId, {
          onProgress: (current) =>
            current.counts.pages % 20 === 0 && progress(`  ${label}: ${current.phase}, ${current.counts.pages} pages`),
        });
      });
      const seconds = round((performance.now() - started) / 1000, 1);
      const changedUsers = changed(run);
      const figures = {
        users: options.users,
        seconds,
        graphRequests: graph.requests.token + graph.requests.users + graph.requests.groups - before,
        dynamodbRequests: commands.length,
        changedUsers,
        dynamodbRequestsPerChangedUser: changedUsers > 0 ? round(commands.length / changedUsers, 1) : 0,
        created: run.counts.created,
        updated: run.counts.updated,
        errors: run.counts.errors,
      };
      progress(`graph sync ${label}: ${JSON.stringify(figures)}`);
      if (run.status !== 'succeeded')
        throw new Error(`graph sync ${label} ${run.status}: ${run.errors.at(-1)?.message}`);
      return figures;
    };

    progress(`graph sync: initial pull of ${options.users} users`);
    const initialPull = await measure('initial pull', (run) => run.counts.created);
    directory.users
      .slice(0, options.changes)
      .forEach((user, index) => graph.updateUser(user.id, { jobTitle: `Changed ${index}` }));
    const deltaRun = await measure(`delta run (${options.changes} changes)`, (run) => run.counts.updated);
    return { initialPull, deltaRun, pageSize };
  } finally {
    await graph.stop();
  }
}
