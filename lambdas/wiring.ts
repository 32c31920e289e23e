import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAssertionReplays } from './adapters/dynamodb/assertion-replays';
import { DynamoDirectoryStore } from './adapters/dynamodb/directory-store';
import { DynamoGroupStore } from './adapters/dynamodb/group-store';
import { DynamoGuardStore } from './adapters/dynamodb/guard-store';
import { DynamoWriteStore } from './adapters/dynamodb/write-store';
import { DynamoTenantStore } from './adapters/dynamodb/tenant-store';
import { RemoteKeySets } from './adapters/jwks/remote-key-sets';
import { FileTokenKeys } from './adapters/local/file-token-keys';
import { SecretsManagerTokenKeys } from './adapters/secrets-manager/secrets-manager-token-keys';
import { readConfig, type Config } from './config';
import { Authenticator, KEY_CACHE_TTL_MS } from './operations/credentials/authenticate';
import { TtlCache } from './operations/credentials/ttl-cache';
import type { OAuthDependencies } from './operations/credentials/issue-access-token';
import type { Clock, Dependencies } from './operations/ports';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS } from './tenancy/access-token-claims';

/** What a container builds once and reuses for every request. */
export interface Wiring {
  readonly config: Config;
  readonly deps: Dependencies;
  readonly authenticator: Authenticator;
  /** What the OAuth endpoints use (the key set cache lives as long as the container); tests may leave it out. */
  readonly oauth?: OAuthDependencies;
}

/** Local credentials for DynamoDB Local; AWS uses the SDK's default chain. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDocumentClient(config: Pick<Config, 'dynamodbEndpoint'>): DynamoDBDocumentClient {
  const client = new DynamoDBClient(
    config.dynamodbEndpoint
      ? { endpoint: config.dynamodbEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }
      : {},
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
  const clock: Clock = { now: () => new Date() };
  const deps: Dependencies = {
    directory: new DynamoDirectoryStore(documentClient, config.tableName, clock),
    groups: new DynamoGroupStore(documentClient, config.tableName, clock),
    writes: new DynamoWriteStore(documentClient, config.tableName),
    guard: new DynamoGuardStore(documentClient, config.tableName),
    tenants,
    log: tenants,
    tokenKeys,
    clock,
    ids: { newId: () => randomUUID() },
  };
  const keyRing = new TtlCache<Awaited<ReturnType<typeof tokenKeys.getKeyRing>>>(KEY_CACHE_TTL_MS, deps.clock, 1);
  const oauth: OAuthDependencies = {
    ...deps,
    tokenKeys: { getKeyRing: () => keyRing.get('ring', () => tokenKeys.getKeyRing()) },
    keySets: new RemoteKeySets({ allowLoopbackHttp: config.jwksAllowLoopbackHttp ?? false }),
    replays: new DynamoAssertionReplays(documentClient, config.tableName),
    accessTokenLifetimeSeconds: config.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
  };
  return { config, deps, authenticator: new Authenticator(deps), oauth };
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
