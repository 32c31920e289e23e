import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ChangeEvents } from './constructs/change-events';
import { DirectoryTable } from './constructs/directory-table';
import { ScimApi } from './constructs/scim-api';
import { TokenKey } from './constructs/token-key';

export interface ScimStackProps extends StackProps {
  /**
   * Throw-away stages (dev, test) destroy data with the stack; anything else keeps it.
   * @default false
   */
  readonly ephemeral?: boolean;
}

/** The SCIM service: it only composes its constructs (STYLE.md "one stack, one construct per concern"). */
export class ScimStack extends Stack {
  constructor(scope: Construct, id: string, props: ScimStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const directory = new DirectoryTable(this, 'Directory', { removalPolicy, deletionProtection: !props.ephemeral });
    const tokenKey = new TokenKey(this, 'TokenKey', { removalPolicy });
    const events = new ChangeEvents(this, 'ChangeEvents', { table: directory.table });
    const api = new ScimApi(this, 'Scim', { table: directory.table, tokenKey: tokenKey.secret });

    new CfnOutput(this, 'TenantUrlBase', {
      value: `${api.api.url}scim/v2`,
      description: 'Append /<tenantId> for a customer\'s Tenant URL',
    });
    new CfnOutput(this, 'TableName', { value: directory.table.tableName });
    new CfnOutput(this, 'TokenKeySecretArn', { value: tokenKey.secret.secretArn });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName, description: 'Consumers put their EventBridge rules on this bus (docs/events.md)' });
  }
}
