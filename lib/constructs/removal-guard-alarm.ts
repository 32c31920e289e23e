import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { CloudWatchLogGroup } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EVENT_SOURCE, REMOVALS_HELD_DETAIL_TYPE } from '../../lambdas/contracts/events/source';

export interface RemovalGuardAlarmProps {
  readonly bus: IEventBus;
  readonly logRetention: RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Announces every hold of a tenant's accidental-deletion guard (docs/removal-guard.md): a rule on the
 * bus keeps each `Removals Held` event in a log group (who, when, which limit), and an alarm fires
 * when one matched, so the platform team knows a customer's removals wait for a release or reject.
 */
export class RemovalGuardAlarm extends Construct {
  readonly rule: Rule;
  readonly log: LogGroup;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: RemovalGuardAlarmProps) {
    super(scope, id);
    this.log = new LogGroup(this, 'Holds', { retention: props.logRetention, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
    this.rule = new Rule(this, 'RemovalsHeld', {
      eventBus: props.bus,
      description: 'A tenant started holding user removals (accidental-deletion guard) → the holds log group and alarm',
      eventPattern: { source: [EVENT_SOURCE], detailType: [REMOVALS_HELD_DETAIL_TYPE] },
      targets: [new CloudWatchLogGroup(this.log)],
    });
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription: "A tenant's removal guard is holding user removals: check `scim-admin guard held <tenant>`, then release or reject them (docs/removal-guard.md). The holds log group names the tenant.",
      metric: new Metric({ namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensionsMap: { RuleName: this.rule.ruleName }, statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
