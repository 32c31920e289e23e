import { Size, Validations, type Duration } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  BasePathMapping,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
  type IResource,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { authOf, routes, TENANT_BASE_PATH, type Auth } from '../../lambdas/contracts/routes';
import { OperationFunction } from './operation-function';

/** Why no route uses a Cognito user pool (cdk-nag AwsSolutions-COG4), by the route's auth. */
const NO_COGNITO_BECAUSE: Readonly<Record<Auth, string>> = {
  token:
    'SCIM clients (Entra ID, Okta) authenticate with a per-tenant bearer token, checked in the function chain by HMAC digest.',
  client:
    'The OAuth 2.0 token endpoint authenticates the client itself (RFC 6749 §2.3: client secret or JWT assertion); its metadata is public (RFC 8414).',
  iam: 'The profile and connection APIs are called by the product back end with SigV4 (IAM authorisation), not by end users.',
  portal:
    "The connection page's API is authorised by the signed setup-link session cookie plus a CSRF token, checked in the function chain (docs/portal.md).",
  public:
    'The connection page shell, its static assets and the setup-link exchange carry no tenant data; the link itself is the credential (docs/portal.md).',
};

/** Why a non-IAM route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4). */
const NO_API_AUTHORIZER_BECAUSE: Readonly<Record<Auth, string>> = {
  token:
    'Authorised in the function chain by the tenant Secret Token or an OAuth access token (a Lambda authorizer would add a hop and cost to every call); see docs/security.md.',
  client:
    'An OAuth token endpoint cannot sit behind an authorizer: it is where clients obtain credentials (RFC 6749 §3.2); see docs/security.md.',
  iam: 'IAM-authorised.',
  portal:
    'Authorised in the function chain by the session cookie and CSRF token (docs/portal.md); a Lambda authorizer would need the same key and table read.',
  public:
    'Public by design: a static page and assets with no data, and the setup-link exchange, which verifies the signed link itself.',
};

/** A stable Tenant URL on the company's own domain. */
export interface CustomDomainProps {
  /** e.g. `scim.example.com` */
  readonly domainName: string;
  /** An ACM certificate for the domain in the stack's region. */
  readonly certificateArn: string;
  /** The Route 53 hosted zone that gets the alias record. */
  readonly hostedZoneId: string;
  readonly hostedZoneName: string;
}

export interface ScimApiProps {
  readonly table: ITableV2;
  readonly tokenKey: ISecret;
  /** @default 'v1' */
  readonly stageName?: string;
  /** @default Duration.seconds(10) */
  readonly functionTimeout?: Duration;
  /**
   * Steady requests per second across all tenants; bursts may reach `throttleBurst`. Entra asks for
   * 25 per tenant at most (../shared/entra/README.md §6); per-tenant limits are the WAF's job.
   * @default 500
   */
  readonly throttleRate?: number;
  /** @default 1000 */
  readonly throttleBurst?: number;
  /** @default RetentionDays.ONE_MONTH (access logs and function logs) */
  readonly logRetention?: RetentionDays;
  /** @default none: the execute-api URL */
  readonly domain?: CustomDomainProps;
}

/**
 * The REST API: one method and one Lambda per row of the route table, JSON access logs, stage
 * throttling, compression of large responses (a group read with 100,000 members), and an optional
 * custom domain.
 */
export class ScimApi extends Construct {
  readonly api: RestApi;
  readonly functions: Readonly<Record<string, OperationFunction>>;
  readonly accessLogs: LogGroup;
  /** Where Tenant URLs start: `https://<host>[/<stage>]` without a trailing slash. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: ScimApiProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention });
    this.api = new RestApi(this, 'Api', {
      restApiName: 'scim',
      description: `SCIM 2.0 endpoint: one Tenant URL per customer under ${TENANT_BASE_PATH}`,
      endpointTypes: [EndpointType.REGIONAL],
      // Responses above 1 KB are gzipped for clients that accept it (large group reads).
      minCompressionSize: Size.kibibytes(1),
      // Every request body reaches the Lambda as its raw bytes (base64, isBase64Encoded): the chain
      // decodes strict UTF-8 and answers invalid bytes with a 400 instead of silently getting U+FFFD.
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        throttlingRateLimit: props.throttleRate ?? 500,
        throttlingBurstLimit: props.throttleBurst ?? 1000,
        loggingLevel: MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        // No Authorization header, no body: never a token in a log line.
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });
    const functions: Record<string, OperationFunction> = {};
    for (const route of routes) {
      // One function per operation: an operation with an IAM and a portal route is one function behind two methods.
      const operation = (functions[route.operation] ??= new OperationFunction(this, route.operation, {
        route,
        table: props.table,
        tokenKey: props.tokenKey,
        timeout: props.functionTimeout,
        logRetention,
      }));
      const resource: IResource = this.api.root.resourceForPath(route.path);
      const auth = authOf(route);
      const iam = auth === 'iam';
      // SCIM routes check the tenant's Secret Token in the chain; the profile and connection APIs are
      // IAM (SigV4) only; the connection page's routes check its session cookie in the chain.
      const method = resource.addMethod(
        route.method,
        new LambdaIntegration(operation.function, { allowTestInvoke: false }),
        {
          authorizationType: iam ? AuthorizationType.IAM : AuthorizationType.NONE,
        },
      );
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason: NO_COGNITO_BECAUSE[auth] });
      if (!iam)
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason: NO_API_AUTHORIZER_BECAUSE[auth] });
    }
    this.functions = functions;
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Bodies are validated in the chain so that clients get RFC 7644 SCIM error bodies; API Gateway validators answer in their own format.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole)
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-level CloudWatch role uses AmazonAPIGatewayPushToCloudWatchLogs, the policy AWS documents for it.",
      });

    if (props.domain) {
      const domain = new DomainName(this, 'Domain', {
        domainName: props.domain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new BasePathMapping(this, 'Mapping', { domainName: domain, restApi: this.api, stage: this.api.deploymentStage });
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.domain.hostedZoneId,
        zoneName: props.domain.hostedZoneName,
      });
      new ARecord(this, 'Alias', {
        zone,
        recordName: props.domain.domainName,
        target: RecordTarget.fromAlias(new ApiGatewayDomain(domain)),
      });
      this.baseUrl = `https://${props.domain.domainName}`;
    } else {
      this.baseUrl = this.api.url.replace(/\/$/, '');
    }
  }
}
