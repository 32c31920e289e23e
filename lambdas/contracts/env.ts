/** Environment variable names, written once; lambdas/config.ts is their only reader. */
export const ENV = {
  tableName: 'TABLE_NAME',
  tokenKeySecretArn: 'TOKEN_KEY_SECRET_ARN',
  /** Local mode and tests only: a JSON file holding the token keyring instead of Secrets Manager. */
  tokenKeyFile: 'TOKEN_KEY_FILE',
  /** Local mode and tests only: DynamoDB Local's endpoint. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  /** Largest accepted request body in bytes. */
  maxBodyBytes: 'MAX_BODY_BYTES',
  /** The EventBridge bus the change-event publisher puts events on. */
  eventBusName: 'EVENT_BUS_NAME',
  /** OAuth access token lifetime in seconds (300 to 21600). @default 3600 */
  accessTokenLifetime: 'OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS',
  /** Local mode and tests only: lets the token endpoint fetch a JWKS over http:// from 127.0.0.1. */
  jwksAllowLoopbackHttp: 'OAUTH_JWKS_ALLOW_LOOPBACK_HTTP',
  /** Local mode and tests only: the built connection page (on AWS it sits beside the handler's bundle). */
  portalUiDir: 'PORTAL_UI_DIR',
  /** Graph sync: name prefix of the connectors' Secrets Manager secrets (`<prefix><tenantId>`). */
  graphSyncSecretPrefix: 'GRAPH_SYNC_SECRET_PREFIX',
  /** Local mode and tests only: the folder holding connector secrets instead of Secrets Manager. */
  graphSyncSecretsDir: 'GRAPH_SYNC_SECRETS_DIR',
  /** Graph sync: the base of Tenant URLs (`https://host/scim/v2`), for resource locations in events. */
  tenantUrlBase: 'TENANT_URL_BASE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
