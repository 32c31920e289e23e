import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { routes } from '../../lambdas/contracts/routes';
import { buildApp } from '../../lib/app';
import { ENTRA_SAFE_OVERRIDES } from '../../lib/constructs/web-firewall';

/** An app as `cdk synth` builds it, with bundling skipped (tests need the template, not the bundles). */
function appWith(context: Record<string, string | boolean> = {}) {
  return buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
}

describe('production stack', () => {
  describe('cdk-nag (AwsSolutions) in the app', () => {
    it('synthesises clean, every acknowledgement carrying its reason in code, and passes CloudFormation validation', () => {
      const { app } = appWith({
        stage: 'prod',
        waf: 'true',
        alarmEmail: 'ops@example.invalid',
        '@aws-cdk/core:validateAgainstDefaultRules': true,
      });

      expect(() => app.synth()).not.toThrow();
    });

    it('fails the synth on an unacknowledged finding', () => {
      const { app, stack } = appWith();
      new Bucket(stack, 'CarelessBucket');

      expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
    });
  });

  describe('event archive retention from stage context', () => {
    const retentionOf = (context: Record<string, string>) => {
      const archives = Object.values(
        Template.fromStack(appWith(context).stack).findResources('AWS::Events::Archive'),
      ) as any[];
      expect(archives).toHaveLength(1);
      return archives[0].Properties.RetentionDays as number;
    };

    it.each([
      [{ stage: 'prod' }, 90],
      [{ stage: 'dev' }, 7],
      [{ stage: 'prod', eventArchiveDays: '400' }, 400],
    ])('%j keeps events %i days', (context, days) => {
      expect(retentionOf(context)).toBe(days);
    });

    it.each(['0', '-3', '1.5', 'ninety'])('refuses eventArchiveDays=%s before anything is built', (days) => {
      expect(() => appWith({ stage: 'prod', eventArchiveDays: days })).toThrow(
        /eventArchiveDays must be a whole number of days/,
      );
    });
  });

  describe('API Gateway', () => {
    const template = Template.fromStack(appWith({ stage: 'prod' }).stack);

    it('writes JSON access logs without the caller or the Authorization header, and throttles the stage', () => {
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as any;
      const format = JSON.parse(
        stage.Properties.AccessLogSetting.DestinationArn ? stage.Properties.AccessLogSetting.Format : '{}',
      );

      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
      expect(JSON.stringify(format)).not.toMatch(/authorization|caller|user/i);
      expect(stage.Properties.MethodSettings).toEqual([
        expect.objectContaining({
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          LoggingLevel: 'ERROR',
          MetricsEnabled: true,
          DataTraceEnabled: false,
        }),
      ]);
    });

    it("compresses responses over 1 KB and keeps every function at 10 s, below API Gateway's 29 s", () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { MinimumCompressionSize: 1024 });
      for (const fn of Object.values(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('^SCIM ') },
        }),
      ) as any[]) {
        expect(fn.Properties.Timeout).toBe(10);
      }
    });

    it('gives each route function its own role with no AWS-managed policy, writing only to its own log group', () => {
      const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
      const roles = template.findResources('AWS::IAM::Role');

      // Plus the change-event publisher and the Graph sync dispatcher and runner.
      expect(fns.length).toBe(new Set(routes.map((route) => route.operation)).size + 3);
      for (const fn of fns) {
        const role = roles[fn.Properties.Role['Fn::GetAtt'][0]] as any;
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      }
    });

    it('lets only the publisher put events', () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
      const putters = policies.filter((policy) =>
        JSON.stringify(policy.Properties.PolicyDocument).includes('events:PutEvents'),
      );

      expect(putters).toHaveLength(1);
      expect(JSON.stringify(putters[0].Properties.Roles)).toMatch(/PublisherExecution/);
    });
  });

  describe('WAF (context waf=true)', () => {
    const template = Template.fromStack(appWith({ waf: 'true' }).stack);
    const acl = () => Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as any;

    it('rate-limits per tenant token with a SCIM 429 and Retry-After', () => {
      const rule = acl().Properties.Rules.find((candidate: any) => candidate.Name === 'PerTenantRate');

      expect(rule.Statement.RateBasedStatement.CustomKeys).toEqual([
        { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      ]);
      expect(rule.Action.Block.CustomResponse).toMatchObject({
        ResponseCode: 429,
        ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
      });
      expect(JSON.parse(acl().Properties.CustomResponseBodies.scim429.Content)).toMatchObject({ status: '429' });
    });

    it('never blocks Entra for a missing User-Agent or a large member PATCH (managed rules set to count)', () => {
      const common = acl().Properties.Rules.find((candidate: any) => candidate.Name === 'CommonRuleSet');

      expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
        ENTRA_SAFE_OVERRIDES.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
      );
      expect(ENTRA_SAFE_OVERRIDES).toContain('NoUserAgent_HEADER');
    });

    it('is associated with the API stage', () => {
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    });

    it('is absent unless asked for', () => {
      Template.fromStack(appWith().stack).resourceCountIs('AWS::WAFv2::WebACL', 0);
    });
  });

  describe('alarms and dashboard', () => {
    const template = Template.fromStack(appWith({ alarmEmail: 'ops@example.invalid' }).stack);
    const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];

    it("alarms on 5xx rate, each function's errors and throttles, DynamoDB throttles and the event pipeline, all to the topic", () => {
      const descriptions = alarms().map((alarm) => String(alarm.Properties.AlarmDescription));

      expect(descriptions.some((text) => text.includes('5xx'))).toBe(true);
      expect(descriptions.some((text) => text.includes('DynamoDB throttled'))).toBe(true);
      for (const route of routes) {
        expect(descriptions.filter((text) => text.startsWith(`${route.operation}:`))).toHaveLength(2);
      }
      expect(descriptions.some((text) => text.includes('more than 5 minutes behind'))).toBe(true);
      expect(descriptions.some((text) => text.includes('gave up on'))).toBe(true);
      for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toHaveLength(1);
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.invalid' });
    });

    it('has a dashboard of requests, errors, latency per operation and events published', () => {
      const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as any;
      const body = JSON.stringify(dashboard.Properties.DashboardBody);

      for (const title of ['Requests', 'Errors', 'Function duration p99 per operation', 'Events published'])
        expect(body).toContain(title);
    });
  });

  describe('stages', () => {
    it('keeps data on prod: retained table with deletion protection and PITR, retained token key', () => {
      const template = Template.fromStack(appWith({ stage: 'prod' }).stack);

      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          Replicas: [
            Match.objectLike({
              DeletionProtectionEnabled: true,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            }),
          ],
        }),
      });
      template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    });

    it('puts Tenant URLs on a custom domain when one is given', () => {
      const template = Template.fromStack(
        appWith({
          stage: 'prod',
          domainName: 'scim.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
          hostedZoneId: 'Z123',
          hostedZoneName: 'example.com',
        }).stack,
      );

      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'scim.example.com',
        SecurityPolicy: 'TLS_1_2',
      });
      template.resourceCountIs('AWS::Route53::RecordSet', 1);
      template.hasOutput('TenantUrlBase', { Value: 'https://scim.example.com/scim/v2' });
    });
  });
});
