import { ENV } from './contracts/env';
import {
  DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  MIN_ACCESS_TOKEN_LIFETIME_SECONDS,
} from './tenancy/access-token-claims';

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

/** API Gateway's payload limit (10 MB): a larger MAX_BODY_BYTES could never be reached. */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * A configuration value that is set but invalid. Thrown when the container builds its wiring, before
 * any request is served, naming the variable: a typo never turns silently into a default (as
 * Powertools' own configuration does).
 */
export class ConfigError extends Error {
  constructor(variable: string, expected: string, value: string) {
    // The value is quoted only by its length: a misplaced secret must not reach the log.
    super(
      `${variable} must be ${expected} (it is set to a value of ${value.length} character${value.length === 1 ? '' : 's'}).`,
    );
    this.name = 'ConfigError';
  }
}

/** An env value, or undefined when unset or empty (an empty value is treated as unset). */
function valueOf(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number in [min, max], or `fallback` when unset; anything else is a ConfigError. */
function integerOf(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number): number {
  const text = valueOf(env, variable);
  if (text === undefined) return fallback;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new ConfigError(variable, `a whole number from ${min} to ${max}`, text);
  return value;
}

/** `true` or `false`, or `fallback` when unset; anything else is a ConfigError. */
function booleanOf(env: NodeJS.ProcessEnv, variable: string, fallback: boolean): boolean {
  const text = valueOf(env, variable);
  if (text === undefined) return fallback;
  if (text !== 'true' && text !== 'false') throw new ConfigError(variable, '"true" or "false"', text);
  return text === 'true';
}

/** The SCIM functions' configuration; throws naming the variable when one is missing or invalid. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const tableName = valueOf(env, ENV.tableName);
  if (!tableName) throw new Error(`${ENV.tableName} is not set`);
  const tokenKeySecretArn = valueOf(env, ENV.tokenKeySecretArn);
  const tokenKeyFile = valueOf(env, ENV.tokenKeyFile);
  if (!tokenKeySecretArn && !tokenKeyFile)
    throw new Error(`Set ${ENV.tokenKeySecretArn} (AWS) or ${ENV.tokenKeyFile} (local mode)`);
  return {
    tableName,
    tokenKeySecretArn,
    tokenKeyFile,
    dynamodbEndpoint: valueOf(env, ENV.dynamodbEndpoint),
    maxBodyBytes: integerOf(env, ENV.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 1, API_GATEWAY_MAX_PAYLOAD_BYTES),
    // The bounds of tenancy/access-token-claims.ts (Entra accepts access tokens of at most 6 hours).
    accessTokenLifetimeSeconds: integerOf(
      env,
      ENV.accessTokenLifetime,
      DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
      MIN_ACCESS_TOKEN_LIFETIME_SECONDS,
      MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
    ),
    jwksAllowLoopbackHttp: booleanOf(env, ENV.jwksAllowLoopbackHttp, false),
  };
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
  if (!secretPrefix && !secretsDir)
    throw new Error(`Set ${ENV.graphSyncSecretPrefix} (AWS) or ${ENV.graphSyncSecretsDir} (local mode)`);
  return { secretPrefix, secretsDir, tenantUrlBase: env[ENV.tenantUrlBase] ?? '' };
}
