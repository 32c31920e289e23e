import { Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LambdaRoleProps {
  /** The function's own log group: the only one the role may write to. */
  readonly logGroup: ILogGroup;
  readonly description: string;
}

/**
 * A function's own role. Instead of the AWS-managed AWSLambdaBasicExecutionRole (which may write to
 * every log group in the account), the role may write only to the function's log group.
 */
export class LambdaRole extends Role {
  constructor(scope: Construct, id: string, props: LambdaRoleProps) {
    super(scope, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    this.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [props.logGroup.logGroupArn],
      }),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        "Log streams inside the function's own log group get runtime-generated names; the wildcard covers only that group's streams.",
    });
  }
}

/**
 * Where a function's role (`Role`) and log group (`Logs`) go: `<owner>/<id>`, the path a single
 * construct once gave both. Their logical ids derive from the path, and a changed logical id makes
 * CloudFormation replace the resource (a new log group, the old one's logs deleted), so a deployed
 * stack keeps them here; test/infra/logical-ids.test.ts pins them.
 */
export function executionScope(owner: Construct, id = 'Execution'): Construct {
  return new Construct(owner, id);
}
