import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoSyncStore } from './adapters/dynamodb/sync-store';
import { GraphHttpClient, type GraphClientOptions } from './adapters/graph/graph-client';
import { FileConnectorSecrets } from './adapters/local/file-connector-secrets';
import { SecretsManagerConnectorSecrets } from './adapters/secrets-manager/secrets-manager-connector-secrets';
import { readConfig, readSyncConfig, type Config, type SyncConfig } from './config';
import type { SyncDependencies } from './operations/graph-sync/sync-ports';
import { createDocumentClient, createWiring } from './wiring';

/** Builds the sync's dependencies on top of the SCIM ones (the same stores, so writes take the same path). */
export function createSyncDependencies(
  config: Config,
  sync: SyncConfig,
  graphOptions: GraphClientOptions = {},
): SyncDependencies {
  const { deps } = createWiring(config);
  const secrets = sync.secretPrefix
    ? new SecretsManagerConnectorSecrets(new SecretsManagerClient({}), sync.secretPrefix)
    : new FileConnectorSecrets(sync.secretsDir ?? '');
  return {
    ...deps,
    sync: new DynamoSyncStore(createDocumentClient(config), config.tableName),
    secrets,
    tenantUrlBase: sync.tenantUrlBase,
    graph: (connector, secret) => new GraphHttpClient(connector, secret, graphOptions),
  };
}

let current: SyncDependencies | undefined;

/** The container's sync dependencies, built on first use from the environment. */
export function getSyncDependencies(): SyncDependencies {
  current ??= createSyncDependencies(readConfig(), readSyncConfig());
  return current;
}
