import type { Duration } from 'aws-cdk-lib';
import { AuthorizationType, LambdaIntegration, RestApi, type IResource } from 'aws-cdk-lib/aws-apigateway';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { authOf, routes } from '../../lambdas/contracts/routes';
import { OperationFunction } from './operation-function';

export interface ScimApiProps {
  readonly table: ITableV2;
  readonly tokenKey: ISecret;
  /** @default 'v1' */
  readonly stageName?: string;
  /** @default Duration.seconds(10) */
  readonly functionTimeout?: Duration;
}

/** The REST API: one method and one Lambda per row of the route table. */
export class ScimApi extends Construct {
  readonly api: RestApi;
  readonly functions: Readonly<Record<string, OperationFunction>>;

  constructor(scope: Construct, id: string, props: ScimApiProps) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      restApiName: 'scim',
      description: 'SCIM 2.0 endpoint: one Tenant URL per customer under /scim/v2/{tenantId}',
      deployOptions: { stageName: props.stageName ?? 'v1' },
    });
    const functions: Record<string, OperationFunction> = {};
    for (const route of routes) {
      const operation = new OperationFunction(this, route.operation, {
        route,
        table: props.table,
        tokenKey: props.tokenKey,
        timeout: props.functionTimeout,
      });
      functions[route.operation] = operation;
      const resource: IResource = this.api.root.resourceForPath(route.path);
      // SCIM routes check the tenant's Secret Token in the chain; the profile API is IAM (SigV4) only.
      resource.addMethod(route.method, new LambdaIntegration(operation.function), {
        authorizationType: authOf(route) === 'iam' ? AuthorizationType.IAM : AuthorizationType.NONE,
      });
    }
    this.functions = functions;
  }
}
