import { ENV } from './contracts/env';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, MAX_ACCESS_TOKEN_LIFETIME_SECONDS, MIN_ACCESS_TOKEN_LIFETIME_SECONDS } from './tenancy/access-token-claims';

/** Runtime configuration: the only reader of process.env (STYLE.md). */
export interface Config {
  readonly tableName: string;
  /** Secrets Manager secret holding the token keyring (AWS). */
  readonly tokenKeySecretArn?: string;
  /** File holding the token keyring (local mode and tests). */
  readonly tokenKeyFile?: string;
  /** DynamoDB Local's endpoint (local mode and tests). */
  readonly dynamodbEndpoint?: string;
  readonly maxBodyBytes: number;
  /** OAuth access token lifetime, seconds. @default DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS */
  readonly accessTokenLifetimeSeconds?: number;
  /** Local mode and tests only: JWKS may be fetched over http:// from a loopback address. */
  readonly jwksAllowLoopbackHttp?: boolean;
}

/** 1 MiB: room for a PATCH adding thousands of members, far below API Gateway's 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const tableName = env[ENV.tableName];
  if (!tableName) throw new Error(`${ENV.tableName} is not set`);
  const tokenKeySecretArn = env[ENV.tokenKeySecretArn] || undefined;
  const tokenKeyFile = env[ENV.tokenKeyFile] || undefined;
  if (!tokenKeySecretArn && !tokenKeyFile) throw new Error(`Set ${ENV.tokenKeySecretArn} (AWS) or ${ENV.tokenKeyFile} (local mode)`);
  const maxBodyBytes = Number(env[ENV.maxBodyBytes] ?? DEFAULT_MAX_BODY_BYTES);
  return {
    tableName,
    tokenKeySecretArn,
    tokenKeyFile,
    dynamodbEndpoint: env[ENV.dynamodbEndpoint] || undefined,
    maxBodyBytes: Number.isFinite(maxBodyBytes) && maxBodyBytes > 0 ? maxBodyBytes : DEFAULT_MAX_BODY_BYTES,
    accessTokenLifetimeSeconds: accessTokenLifetime(env[ENV.accessTokenLifetime]),
    jwksAllowLoopbackHttp: env[ENV.jwksAllowLoopbackHttp] === 'true',
  };
}

/** The configured access token lifetime, clamped to what Entra accepts (60 minutes to 6 hours at most). */
function accessTokenLifetime(text: string | undefined): number {
  const seconds = Number(text ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS);
  if (!Number.isInteger(seconds)) return DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
  return Math.min(MAX_ACCESS_TOKEN_LIFETIME_SECONDS, Math.max(MIN_ACCESS_TOKEN_LIFETIME_SECONDS, seconds));
}

/** Configuration of the change-event publisher (lambdas/handlers/publish-changes.ts). */
export interface PublisherConfig {
  readonly eventBusName: string;
}

export function readPublisherConfig(env: NodeJS.ProcessEnv = process.env): PublisherConfig {
  const eventBusName = env[ENV.eventBusName];
  if (!eventBusName) throw new Error(`${ENV.eventBusName} is not set`);
  return { eventBusName };
}

/** Where the built connection page is (docs/portal.md); undefined means beside the handler's bundle. */
export function readPortalUiDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[ENV.portalUiDir] || undefined;
}

/** Configuration of the Graph sync functions (lambdas/handlers/sync-*.ts) and of `scim-admin sync`. */
export interface SyncConfig {
  /** Secrets Manager name prefix of connector secrets (AWS). */
  readonly secretPrefix?: string;
  /** Folder of connector secret files (local mode). */
  readonly secretsDir?: string;
  readonly tenantUrlBase: string;
}

export function readSyncConfig(env: NodeJS.ProcessEnv = process.env): SyncConfig {
  const secretPrefix = env[ENV.graphSyncSecretPrefix] || undefined;
  const secretsDir = env[ENV.graphSyncSecretsDir] || undefined;
  if (!secretPrefix && !secretsDir) throw new Error(`Set ${ENV.graphSyncSecretPrefix} (AWS) or ${ENV.graphSyncSecretsDir} (local mode)`);
  return { secretPrefix, secretsDir, tenantUrlBase: env[ENV.tenantUrlBase] ?? '' };
}
