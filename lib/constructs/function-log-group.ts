import { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FunctionLogGroupProps {
  /** How long the function's logs are kept. */
  readonly retention: RetentionDays;
  /** @default RemovalPolicy.DESTROY: logs go with the function. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One function's own log group (CloudFormation names it), made by the construct that owns the
 * function, which hands it to the function and to its LambdaRole.
 */
export class FunctionLogGroup extends LogGroup {
  constructor(scope: Construct, id: string, props: FunctionLogGroupProps) {
    super(scope, id, { retention: props.retention, removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY });
  }
}
