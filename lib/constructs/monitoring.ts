import { Duration, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly api: RestApi;
  /** The route functions by operation name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly table: ITableV2;
  readonly publisher: IFunction;
  /** Alarms created elsewhere (the publisher's) that should notify too. */
  readonly extraAlarms?: readonly Alarm[];
  /** @default none: subscribe to the topic yourself */
  readonly alarmEmail?: string;
}

/**
 * Tells the platform team before a customer does: alarms on the API's 5xx rate, every function's
 * errors and throttles, DynamoDB throttling and the event pipeline, all to one SNS topic; and a
 * dashboard of requests, errors, p99 latency per operation and events published.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'SCIM service alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key; alarm messages carry no customer data.',
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (
      alarmId: string,
      description: string,
      metric: Metric | MathExpression,
      threshold: number,
      evaluationPeriods = 1,
    ) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    const period = Duration.minutes(5);
    const api = props.api;
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests > 20, errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ period, statistic: 'Sum' }),
        requests: api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: '5xx rate',
    });
    alarm(
      'ServerErrorRate',
      'More than 2% of SCIM requests answer 5xx (over at least 20 requests in 5 minutes): Entra quarantines at 40% failures.',
      serverErrorRate,
      0.02,
    );

    for (const [operation, fn] of Object.entries(props.functions)) {
      alarm(
        `${operation}Errors`,
        `${operation}: the function failed (unhandled error or timeout) in the last 5 minutes.`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        0,
      );
      alarm(
        `${operation}Throttles`,
        `${operation}: Lambda throttled invocations (concurrency limit).`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        0,
      );
    }

    const tableThrottles = new MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'ReadThrottleEvents',
          dimensionsMap: { TableName: props.table.tableName },
          period,
          statistic: 'Sum',
        }),
        writes: new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: 'WriteThrottleEvents',
          dimensionsMap: { TableName: props.table.tableName },
          period,
          statistic: 'Sum',
        }),
      },
      period,
      label: 'DynamoDB throttle events',
    });
    alarm('TableThrottles', 'DynamoDB throttled reads or writes: clients got 429 with Retry-After.', tableThrottles, 0);

    for (const extra of props.extraAlarms ?? []) extra.addAlarmAction(action);

    const latency = Object.entries(props.functions).map(([operation, fn]) =>
      fn.metricDuration({ period, statistic: 'p99', label: operation }),
    );
    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({ title: 'Requests', left: [api.metricCount({ period, statistic: 'Sum' })], width: 8 }),
          new GraphWidget({
            title: 'Errors',
            left: [
              api.metricClientError({ period, statistic: 'Sum' }),
              api.metricServerError({ period, statistic: 'Sum' }),
            ],
            width: 8,
          }),
          new GraphWidget({
            title: 'API latency p99',
            left: [api.metricLatency({ period, statistic: 'p99' })],
            width: 8,
          }),
        ],
        [
          new GraphWidget({ title: 'Function duration p99 per operation', left: latency, width: 16 }),
          new GraphWidget({
            title: 'Events published',
            left: [props.publisher.metricInvocations({ period, statistic: 'Sum', label: 'publisher batches' })],
            right: [
              props.publisher.metric('IteratorAge', { period, statistic: 'Maximum', label: 'iterator age (ms)' }),
            ],
            width: 8,
          }),
        ],
      ],
    });
  }
}
