import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { breachAlarm } from './alarms';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  Choice,
  Condition,
  DefinitionBody,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/contracts/env';
import { TABLE } from '../../lambdas/contracts/table';
import { FUNCTION_DEFAULTS, ROOT } from './function-defaults';
import { FunctionLogGroup } from './function-log-group';
import { executionScope, LambdaRole } from './lambda-role';
import { TABLE_ACTIONS } from './operation-function';

/** A write route's table actions (the sync writes through the SCIM use cases), on the table and its two named indexes (no index wildcard). */
function tableAccess(table: ITableV2): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: [...TABLE_ACTIONS.write],
    resources: [
      table.tableArn,
      ...Object.values(TABLE.indexes).map((index) => `${table.tableArn}/index/${index.name}`),
    ],
  });
}

export interface GraphSyncProps {
  readonly table: ITableV2;
  /** The token key: only its ARN is passed (the shared configuration names it); the sync never reads it. */
  readonly tokenKey: ISecret;
  /** Base of Tenant URLs (`https://host/scim/v2`), for resource locations in events. */
  readonly tenantUrlBase: string;
  /** @default `scim/graph-sync/<stack name>/`: connector secrets are `<prefix><tenantId>` */
  readonly secretPrefix?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default every minute: the dispatcher's tick (connector crons are evaluated at each tick) */
  readonly tick?: Duration;
  /** @default 10 tenants' runs worked on at once per tick */
  readonly maxConcurrentRuns?: number;
}

/**
 * Graph pull sync (docs/graph-sync.md "On AWS"): one EventBridge Scheduler schedule ticks a Step
 * Functions state machine; its dispatcher Lambda picks the runs due (connector crons in their time
 * zones, queued runs, runs whose lease expired) and a Map loops a run Lambda over each, one
 * checkpointed slice per invocation, until the run is done. One run at a time per tenant is the
 * lease in the table; a run outlives one invocation because the loop invokes the next slice.
 */
export class GraphSync extends Construct {
  readonly dispatcher: NodejsFunction;
  readonly runner: NodejsFunction;
  readonly stateMachine: StateMachine;
  readonly schedule: Schedule;
  readonly secretPrefix: string;
  readonly alarms: { readonly failedExecutions: Alarm; readonly runnerErrors: Alarm };

  constructor(scope: Construct, id: string, props: GraphSyncProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.secretPrefix = props.secretPrefix ?? `scim/graph-sync/${stack.stackName}/`;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const environment = {
      [ENV.tableName]: props.table.tableName,
      [ENV.tokenKeySecretArn]: props.tokenKey.secretArn,
      [ENV.graphSyncSecretPrefix]: this.secretPrefix,
      [ENV.tenantUrlBase]: props.tenantUrlBase,
      [ENV.serviceName]: 'scim-graph-sync',
      NODE_OPTIONS: '--enable-source-maps',
    };

    const dispatcherExecution = executionScope(this, 'DispatcherExecution');
    const dispatcherLogs = new FunctionLogGroup(dispatcherExecution, 'Logs', { retention: logRetention });
    this.dispatcher = new NodejsFunction(this, 'Dispatcher', {
      role: new LambdaRole(dispatcherExecution, 'Role', {
        logGroup: dispatcherLogs,
        description: 'Graph sync dispatcher: finds due runs, takes their leases',
      }),
      logGroup: dispatcherLogs,
      entry: join(ROOT, 'lambdas', 'handlers', 'sync-dispatch.ts'),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      timeout: Duration.seconds(60),
      description: 'Graph sync: picks the runs due at this tick',
      environment,
    });
    this.dispatcher.addToRolePolicy(tableAccess(props.table));

    const runnerExecution = executionScope(this, 'RunnerExecution');
    const runnerLogs = new FunctionLogGroup(runnerExecution, 'Logs', { retention: logRetention });
    const runnerRole = new LambdaRole(runnerExecution, 'Role', {
      logGroup: runnerLogs,
      description: 'Graph sync run: reads Graph, writes the directory through the SCIM use cases',
    });
    this.runner = new NodejsFunction(this, 'Runner', {
      role: runnerRole,
      logGroup: runnerLogs,
      entry: join(ROOT, 'lambdas', 'handlers', 'sync-run.ts'),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      memorySize: 1024,
      // Lambda's maximum: each slice checkpoints and returns three minutes before it (handlers/sync-run.ts).
      timeout: Duration.minutes(15),
      description: 'Graph sync: one checkpointed slice of a run',
      environment,
    });
    this.runner.addToRolePolicy(tableAccess(props.table));
    // Secret ARNs end in a random suffix Secrets Manager adds, and scim-admin creates one per connector.
    const secretArns = `arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:${this.secretPrefix}*`;
    this.runner.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArns],
      }),
    );
    Validations.of(runnerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${this.secretPrefix}*]`,
      reason:
        "Connector secrets are created per tenant by scim-admin; the wildcard covers only this stack's Graph sync prefix (and Secrets Manager's random ARN suffix).",
    });

    const dispatch = new LambdaInvoke(this, 'Dispatch', {
      lambdaFunction: this.dispatcher,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const slice = new LambdaInvoke(this, 'RunSlice', {
      lambdaFunction: this.runner,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    // A slice that crashed is retried; its checkpoint makes the retry continue at the last page.
    slice.addRetry({
      errors: ['States.TaskFailed', 'States.Timeout'],
      interval: Duration.seconds(30),
      maxAttempts: 3,
      backoffRate: 2,
    });
    const loop = new Choice(this, 'RunDone?')
      .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'RunFinished'))
      .otherwise(slice);
    // One tenant's failure never stops the others: the lease expires and the next tick resumes it.
    const runs = new MapState(this, 'EachRun', { itemsPath: '$.runs', maxConcurrency: props.maxConcurrentRuns ?? 10 });
    runs.itemProcessor(slice.next(loop));
    runs.addCatch(new Pass(this, 'LeftForNextTick'), { errors: ['States.ALL'] });

    const logs = new LogGroup(this, 'StateMachineLogs', { retention: logRetention });
    // ALL events, without execution data: inputs and outputs name tenants and runs, never secrets, but stay out of logs anyway.
    this.stateMachine = new StateMachine(this, 'Runs', {
      definitionBody: DefinitionBody.fromChainable(dispatch.next(runs)),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'Graph sync: dispatch due runs, then loop each run one slice at a time',
    });
    const invoke = 'CDK grants lambda:InvokeFunction on the function and its versions (:*).';
    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.dispatcher.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: invoke,
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.runner.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: invoke,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and CloudWatch Logs delivery actions take no resource ARN (Step Functions docs, "IAM policies for logging").',
      },
    );

    this.schedule = new Schedule(this, 'Tick', {
      schedule: ScheduleExpression.rate(props.tick ?? Duration.minutes(1)),
      target: new StepFunctionsStartExecution(this.stateMachine, {}),
      description: 'Graph sync tick: connector crons are evaluated by the dispatcher in each tenant time zone',
    });

    this.alarms = {
      failedExecutions: breachAlarm(this, 'FailedExecutionsAlarm', {
        description: 'Graph sync executions failed (the dispatcher or the state machine itself, not one tenant run).',
        metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      }),
      runnerErrors: breachAlarm(this, 'RunnerErrorsAlarm', {
        description: 'Graph sync slices crashed (runs fail cleanly with a status; a crash is a bug or a timeout).',
        metric: this.runner.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      }),
    };
  }
}
