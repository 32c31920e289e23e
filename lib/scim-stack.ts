import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SCIM_BASE_PATH } from '../lambdas/contracts/routes';
import { ChangeEvents } from './constructs/change-events';
import { RemovalGuardAlarm } from './constructs/removal-guard-alarm';
import { DirectoryTable } from './constructs/directory-table';
import { GraphSync } from './constructs/graph-sync';
import { Monitoring } from './constructs/monitoring';
import { ScimApi, type CustomDomainProps } from './constructs/scim-api';
import { TokenKey } from './constructs/token-key';
import { WebFirewall } from './constructs/web-firewall';

export interface ScimStackProps extends StackProps {
  /**
   * Throw-away stages (dev, test) destroy data with the stack and skip deletion protection;
   * anything else keeps the table and the token key.
   * @default false
   */
  readonly ephemeral?: boolean;
  /** @default true: point-in-time recovery on the table */
  readonly pointInTimeRecovery?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default false: no WAF web ACL (per-tenant rate limits and managed rules) */
  readonly waf?: boolean;
  /** @default none: Tenant URLs use the execute-api host */
  readonly domain?: CustomDomainProps;
  /** @default none: subscribe to the alarm topic yourself */
  readonly alarmEmail?: string;
  /** @default 500 requests per second across all tenants */
  readonly throttleRate?: number;
  /** @default 90: days the event archive keeps change events for replay */
  readonly eventArchiveDays?: number;
}

/** The SCIM service: it only composes its constructs (STYLE.md "one stack, one construct per concern"). */
export class ScimStack extends Stack {
  constructor(scope: Construct, id: string, props: ScimStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const directory = new DirectoryTable(this, 'Directory', {
      removalPolicy,
      deletionProtection: !props.ephemeral,
      pointInTimeRecovery: props.pointInTimeRecovery ?? true,
    });
    const tokenKey = new TokenKey(this, 'TokenKey', { removalPolicy });
    const events = new ChangeEvents(this, 'ChangeEvents', {
      table: directory.table,
      logRetention,
      ...(props.eventArchiveDays !== undefined ? { archiveRetention: Duration.days(props.eventArchiveDays) } : {}),
    });
    const removalGuard = new RemovalGuardAlarm(this, 'RemovalGuard', { bus: events.bus });
    const api = new ScimApi(this, 'Scim', {
      table: directory.table,
      tokenKey: tokenKey.secret,
      logRetention,
      ...(props.domain ? { domain: props.domain } : {}),
      ...(props.throttleRate ? { throttleRate: props.throttleRate, throttleBurst: props.throttleRate * 2 } : {}),
    });
    const graphSync = new GraphSync(this, 'GraphSync', {
      table: directory.table,
      tokenKey: tokenKey.secret,
      tenantUrlBase: `${api.baseUrl}${SCIM_BASE_PATH}`,
      logRetention,
    });
    if (props.waf) {
      new WebFirewall(this, 'Firewall', { stageArn: api.api.deploymentStage.stageArn });
    } else {
      Validations.of(api.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: 'WAF is optional per stage (context waf=true); this stage runs without it.',
      });
    }
    new Monitoring(this, 'Monitoring', {
      api: api.api,
      functions: Object.fromEntries(Object.entries(api.functions).map(([operation, fn]) => [operation, fn.function])),
      table: directory.table,
      publisher: events.publisher,
      extraAlarms: [...Object.values(events.alarms), ...Object.values(graphSync.alarms), removalGuard.alarm],
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
    // Node.js 22 is the runtime the product runs on (DEVELOPERS.md); cdk-nag L1 asks for the newest.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Functions run Node.js 22 on purpose: the code and its bundles target it.',
    });

    new CfnOutput(this, 'TenantUrlBase', {
      value: `${api.baseUrl}${SCIM_BASE_PATH}`,
      description: "Append /<tenantId> for a customer's Tenant URL (scim-admin reads this)",
    });
    new CfnOutput(this, 'TableName', { value: directory.table.tableName });
    new CfnOutput(this, 'TokenKeySecretArn', { value: tokenKey.secret.secretArn });
    new CfnOutput(this, 'GraphSyncSecretPrefix', {
      value: graphSync.secretPrefix,
      description: 'Connector client secrets are <prefix><tenantId> in Secrets Manager (scim-admin reads this)',
    });
    new CfnOutput(this, 'EventBusName', {
      value: events.bus.eventBusName,
      description: 'Consumers put their EventBridge rules on this bus (docs/events.md)',
    });
    new CfnOutput(this, 'EventArchiveArn', {
      value: events.archive.archiveArn,
      description: 'Replay missed change events from this archive (docs/events.md "Replay")',
    });
  }
}
