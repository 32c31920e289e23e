import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDirectoryStore } from './adapters/dynamodb/directory-store';
import { DynamoGroupStore } from './adapters/dynamodb/group-store';
import { DynamoWriteStore } from './adapters/dynamodb/write-store';
import { DynamoTenantStore } from './adapters/dynamodb/tenant-store';
import { FileTokenKeys } from './adapters/local/file-token-keys';
import { SecretsManagerTokenKeys } from './adapters/secrets-manager/secrets-manager-token-keys';
import { readConfig, type Config } from './config';
import { Authenticator } from './operations/authenticate';
import type { Dependencies } from './operations/ports';

/** What a container builds once and reuses for every request. */
export interface Wiring {
  readonly config: Config;
  readonly deps: Dependencies;
  readonly authenticator: Authenticator;
}

/** Local credentials for DynamoDB Local; AWS uses the SDK's default chain. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDocumentClient(config: Pick<Config, 'dynamodbEndpoint'>): DynamoDBDocumentClient {
  const client = new DynamoDBClient(
    config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS } : {},
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Builds the clients and stores from configuration. */
export function createWiring(config: Config = readConfig()): Wiring {
  const documentClient = createDocumentClient(config);
  const tokenKeys = config.tokenKeySecretArn
    ? new SecretsManagerTokenKeys(new SecretsManagerClient({}), config.tokenKeySecretArn)
    : new FileTokenKeys(config.tokenKeyFile ?? '');
  const tenants = new DynamoTenantStore(documentClient, config.tableName);
  const deps: Dependencies = {
    directory: new DynamoDirectoryStore(documentClient, config.tableName),
    groups: new DynamoGroupStore(documentClient, config.tableName),
    writes: new DynamoWriteStore(documentClient, config.tableName),
    tenants,
    log: tenants,
    tokenKeys,
    clock: { now: () => new Date() },
    ids: { newId: () => randomUUID() },
  };
  return { config, deps, authenticator: new Authenticator(deps) };
}

let current: Wiring | undefined;

/** The container's wiring, built on first use (after local mode or a test has set the environment). */
export function getWiring(): Wiring {
  current ??= createWiring();
  return current;
}

/** Drops the container's wiring so the next getWiring() reads the environment again (local mode sets it). */
export function resetWiring(): void {
  current = undefined;
}
