import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_DEFAULTS, ROOT } from './function-defaults';
import { FunctionLogGroup } from './function-log-group';
import { executionScope, LambdaRole } from './lambda-role';
import { ENV } from '../../lambdas/contracts/env';
import { TABLE } from '../../lambdas/contracts/table';
import { tenantPartitionKey } from '../../lambdas/contracts/partitions';
import { MAX_REQUEST_MS } from '../../lambdas/contracts/limits';
import { authOf, handlerEntry, type Access, type Route } from '../../lambdas/contracts/routes';
import { PORTAL_UI_DIR } from '../../lambdas/contracts/portal';

/** DynamoDB actions per access level: no Scan anywhere, a read route gets no write action, `none` nothing. */
export const TABLE_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  none: [],
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/**
 * The only writes every route may make, read routes included: a failed request's provisioning-log
 * entry and a token's last use. IAM fences them to those partitions by their leading key.
 */
export const BOOKKEEPING_WRITES = {
  actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  leadingKeys: [tenantPartitionKey('*', 'log'), tenantPartitionKey('*', 'tokenUses')],
} as const;

/** The partitions of seen OAuth assertion ids, which only the token endpoint writes. */
export const ASSERTION_REPLAY_LEADING_KEYS = [tenantPartitionKey('*', 'assertionIds')] as const;

/**
 * The connection page's functions carry its built bundle (portal/build.ts: esbuild, content-hashed
 * names) beside their handler, in the folder PORTAL_UI_DIR names; the bundle is built at synth time,
 * so there is no build step to remember.
 */
const PORTAL_UI_HOOKS: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [
    `cd "${inputDir}" && npx tsx portal/build.ts "${join(outputDir, PORTAL_UI_DIR)}"`,
  ],
};

export interface OperationFunctionProps {
  readonly route: Route;
  readonly table: ITableV2;
  readonly tokenKey: ISecret;
  /** @default Duration.seconds(10): well below API Gateway's 29 s and Entra's 60 s. */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** One Lambda per route: its own minified bundle and only the IAM actions its access needs. */
export class OperationFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: OperationFunctionProps) {
    super(scope, id);
    const { route } = props;
    const execution = executionScope(this);
    const logGroup = new FunctionLogGroup(execution, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new LambdaRole(execution, 'Role', {
      logGroup,
      description: `SCIM ${route.operation}: ${route.access} access to the directory table`,
    });
    this.function = new NodejsFunction(this, 'Function', {
      role,
      logGroup,
      entry: join(ROOT, handlerEntry(route.operation)),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      ...(route.bundlesPortalUi ? { bundling: { ...FUNCTION_DEFAULTS.bundling, commandHooks: PORTAL_UI_HOOKS } } : {}),
      timeout: props.timeout ?? Duration.millis(MAX_REQUEST_MS),
      description: `SCIM ${route.method} ${route.path} (${route.operation})`,
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.tokenKeySecretArn]: props.tokenKey.secretArn,
        [ENV.serviceName]: 'scim',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    if (route.access === 'none') return;
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...TABLE_ACTIONS[route.access]],
        resources: [
          props.table.tableArn,
          ...Object.values(TABLE.indexes).map((index) => `${props.table.tableArn}/index/${index.name}`),
        ],
      }),
    );
    if (route.access === 'read') {
      this.function.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...BOOKKEEPING_WRITES.actions],
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...BOOKKEEPING_WRITES.leadingKeys] } },
        }),
      );
    }
    if (authOf(route) === 'client' && route.method === 'POST') {
      // The token endpoint's own bookkeeping: seen assertion ids (RFC 7523 jti replay protection).
      this.function.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:PutItem'],
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...ASSERTION_REPLAY_LEADING_KEYS] } },
        }),
      );
    }
    props.tokenKey.grantRead(this.function);
  }
}
