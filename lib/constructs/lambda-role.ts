import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LambdaRoleProps {
  /** How long the function's logs are kept. */
  readonly logRetention: RetentionDays;
  /** @default RemovalPolicy.DESTROY: logs go with the function. */
  readonly removalPolicy?: RemovalPolicy;
  readonly description: string;
}

/**
 * A function's own role and log group. Instead of the AWS-managed AWSLambdaBasicExecutionRole (which
 * may write to every log group in the account), the role may write only to this function's group.
 */
export class LambdaRole extends Construct {
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LambdaRoleProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        "Log streams inside the function's own log group get runtime-generated names; the wildcard covers only that group's streams.",
    });
  }
}
