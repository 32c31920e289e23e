import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

export interface BreachAlarmProps {
  /** What the alarm means and what to look at (shown in CloudWatch and in a notification). */
  readonly description: string;
  readonly metric: IMetric;
  /** The alarm fires above this value. @default 0 (any failure at all) */
  readonly threshold?: number;
  /** Periods above the threshold before it fires. @default 1 */
  readonly evaluationPeriods?: number;
}

/**
 * An alarm on a metric rising above a threshold. Missing data is not a breach: a function that ran
 * nothing has no data points, and that is not a fault.
 */
export function breachAlarm(scope: Construct, id: string, props: BreachAlarmProps): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: props.threshold ?? 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
