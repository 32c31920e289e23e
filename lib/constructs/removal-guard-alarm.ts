import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE, REMOVALS_HELD_DETAIL_TYPE } from '../../lambdas/contracts/events/source';

export interface RemovalGuardAlarmProps {
  readonly bus: IEventBus;
}

/**
 * Announces every hold of a tenant's accidental-deletion guard (docs/removal-guard.md): a rule on the
 * bus matches each `Removals Held` event and an alarm fires on its MatchedEvents metric, so the
 * platform team knows a customer's removals wait for a release or reject. The rule needs no target:
 * EventBridge counts matches per rule; consumers put their own rules on the bus for the event itself.
 */
export class RemovalGuardAlarm extends Construct {
  readonly rule: Rule;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: RemovalGuardAlarmProps) {
    super(scope, id);
    this.rule = new Rule(this, 'RemovalsHeld', {
      eventBus: props.bus,
      description: "A tenant's accidental-deletion guard started holding user removals (counted for the alarm)",
      eventPattern: { source: [EVENT_SOURCE], detailType: [REMOVALS_HELD_DETAIL_TYPE] },
    });
    this.alarm = new Alarm(this, 'Alarm', {
      alarmDescription:
        "A tenant's removal guard is holding user removals: find it with the bus's Removals Held event (or `scim-admin guard held <tenant>`), then release or reject them (docs/removal-guard.md).",
      metric: new Metric({
        namespace: 'AWS/Events',
        metricName: 'MatchedEvents',
        dimensionsMap: { RuleName: this.rule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
