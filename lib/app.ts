import { App, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ScimStack, type ScimStackProps } from './scim-stack';

/** Stage settings, from `-c key=value` or cdk.json context (docs/deploy.md lists them). */
export function stagePropsFrom(app: App): { stage: string; props: ScimStackProps } {
  const context = (key: string): string | undefined => {
    const value = app.node.tryGetContext(key) as unknown;
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const stage = context('stage') ?? 'dev';
  const ephemeral = (context('ephemeral') ?? String(stage === 'dev')) === 'true';
  const retentionDays = Number(context('logRetentionDays') ?? (ephemeral ? 7 : 90));
  const eventArchiveDays = Number(context('eventArchiveDays') ?? (ephemeral ? 7 : 90));
  // EventBridge reads 0 as "keep forever"; a typo must not silently become that (or fail at deploy).
  if (!Number.isInteger(eventArchiveDays) || eventArchiveDays < 1)
    throw new Error(
      `eventArchiveDays must be a whole number of days, at least 1 (got ${context('eventArchiveDays')}).`,
    );
  const domainName = context('domainName');
  const props: ScimStackProps = {
    description: `SCIM 2.0 provisioning endpoint (${stage})`,
    ephemeral,
    pointInTimeRecovery: (context('pointInTimeRecovery') ?? 'true') === 'true',
    logRetention: retentionDays as RetentionDays,
    waf: (context('waf') ?? 'false') === 'true',
    eventArchiveDays,
    ...(context('alarmEmail') ? { alarmEmail: context('alarmEmail') } : {}),
    ...(context('throttleRate') ? { throttleRate: Number(context('throttleRate')) } : {}),
    ...(domainName
      ? {
          domain: {
            domainName,
            certificateArn: context('certificateArn') ?? '',
            hostedZoneId: context('hostedZoneId') ?? '',
            hostedZoneName: context('hostedZoneName') ?? '',
          },
        }
      : {}),
  };
  if (props.domain && (!props.domain.certificateArn || !props.domain.hostedZoneId || !props.domain.hostedZoneName)) {
    throw new Error('domainName needs certificateArn, hostedZoneId and hostedZoneName in the context too.');
  }
  return { stage, props };
}

/** The CDK app: one stack per stage, checked by cdk-nag's AwsSolutions pack (synth fails on a finding). */
export function buildApp(app: App = new App()): { app: App; stack: ScimStack } {
  const { stage, props } = stagePropsFrom(app);
  const stack = new ScimStack(app, `Scim-${stage}`, props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
