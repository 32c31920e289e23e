import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { ChangeEvent } from '../../events/catalog';
import type { ProvisioningLog, TenantStore } from '../../operations/ports';
import type { LogEntry, LogQuery } from '../../tenancy/provisioning-log';
import type { TenantRecord } from '../../tenancy/tenant';
import { batchDeleteItems, batchGetItems } from './batch';
import { fromLogItem, outboxItems, toLogItem, type Item } from './codec';
import { conditionFailed, translateStorageError } from './errors';
import { registeredRecord, registryEntry, registryTenantIds } from './registry';
import { TENANT_PARTITIONS, tenantPartitionKey, type TenantPartition } from '../../contracts/partitions';
import { TenantWriteConflict } from '../../operations/writes/write-conflicts';
import { forEachPartitionKeys, queryItems } from './query';
import {
  groupKey,
  logKey,
  logPartition,
  membersPartition,
  tenantKey,
  tenantPrefix,
  TENANT_REGISTRY_PARTITION,
  tokenUseKey,
} from './keys';

function toTenantItem(tenant: TenantRecord): Item {
  return {
    ...tenantKey(tenant.tenantId),
    kind: TABLE.kinds.tenant,
    ...tenant,
    ...registryEntry('tenantRegistry', TENANT_REGISTRY_PARTITION, tenant.tenantId),
  };
}

/** The first item of a tenant write is the tenant record; a failed condition there is a concurrent change. */
const isConditionalFailure = (error: unknown) => conditionFailed(error, 0);

/** Tenant records, token use and the provisioning log. */
export class DynamoTenantStore implements TenantStore, ProvisioningLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: tenantKey(tenantId), ConsistentRead: true }),
      );
      return Item ? registeredRecord<TenantRecord>(Item) : undefined;
    } catch (error) {
      translateStorageError(error);
    }
  }

  async listTenants(): Promise<TenantRecord[]> {
    const ids = await registryTenantIds(this.client, this.tableName, 'tenantRegistry', TENANT_REGISTRY_PARTITION);
    const items = await batchGetItems(this.client, this.tableName, ids.map(tenantKey));
    return items.map(registeredRecord<TenantRecord>).sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }

  async createTenant(tenant: TenantRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toTenantItem(tenant),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new TenantWriteConflict(tenant.tenantId, { cause: error });
      translateStorageError(error);
    }
  }

  async updateTenant(
    tenant: TenantRecord,
    expectedVersion: number,
    events: readonly ChangeEvent[] = [],
  ): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toTenantItem(tenant),
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              },
            },
            ...outboxItems(this.tableName, events),
          ],
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new TenantWriteConflict(tenant.tenantId, { cause: error });
      translateStorageError(error);
    }
  }

  async recordTokenUse(tenantId: string, tokenId: string, at: string, notBefore: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tokenUseKey(tenantId, tokenId),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_not_exists(lastUsedAt) OR lastUsedAt < :notBefore',
          ExpressionAttributeValues: { ':at': at, ':notBefore': notBefore },
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return;
      translateStorageError(error);
    }
  }

  async tokenUses(tenantId: string): Promise<Record<string, string>> {
    const items = await queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tokenUseKey(tenantId, '').pk },
    });
    return Object.fromEntries(items.map((item) => [String(item.sk), String(item.lastUsedAt)]));
  }

  async purgeTenantData(tenantId: string, onProgress?: (deleted: number) => void): Promise<number> {
    const prefix = tenantPrefix(tenantId);
    let deleted = 0;
    const record = tenantKey(tenantId);
    const purge = (partition: string) =>
      forEachPartitionKeys(this.client, this.tableName, partition, async (keys) => {
        const items = keys.filter((key) => !(key.pk === record.pk && key.sk === record.sk));
        await batchDeleteItems(this.client, this.tableName, items);
        deleted += items.length;
        onProgress?.(deleted);
      });
    // Membership partitions are per group: find the groups first.
    const groups = await queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': groupKey(tenantId, '').pk },
      ProjectionExpression: 'sk',
    });
    for (const group of groups) await purge(membersPartition(tenantId, String(group.sk)));
    for (const partition of Object.keys(TENANT_PARTITIONS) as TenantPartition[])
      await purge(tenantPartitionKey(tenantId, partition));
    await purge(prefix);
    return deleted;
  }

  async deleteTenantRecord(tenantId: string, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: tenantKey(tenantId),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new TenantWriteConflict(tenantId, { cause: error });
      translateStorageError(error);
    }
  }

  async append(entry: LogEntry): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: toLogItem(entry) }));
    } catch (error) {
      translateStorageError(error);
    }
  }

  async list(tenantId: string, query: LogQuery): Promise<LogEntry[]> {
    const partition = logPartition(tenantId);
    const values: Record<string, unknown> = { ':pk': partition };
    const names: Record<string, string> = {};
    const filters: string[] = [];
    // Sort keys are `<ISO time>#<request id>`: a bound on time is a bound on the key ('~' sorts after '#').
    let keyCondition = 'pk = :pk';
    if (query.since && query.until) keyCondition = 'pk = :pk AND sk BETWEEN :since AND :until';
    else if (query.since) keyCondition = 'pk = :pk AND sk >= :since';
    else if (query.until) keyCondition = 'pk = :pk AND sk <= :until';
    if (query.since) values[':since'] = query.since;
    if (query.until) values[':until'] = `${query.until}~`;
    if (query.status !== undefined) {
      filters.push('#status = :status');
      values[':status'] = query.status;
    }
    if (query.outcome) {
      filters.push(query.outcome === 'failed' ? '#status >= :failed' : '#status < :failed');
      values[':failed'] = 400;
    }
    if (query.status !== undefined || query.outcome) names['#status'] = 'status';
    if (query.operation !== undefined) {
      filters.push('#operation = :operation');
      names['#operation'] = 'operation';
      values[':operation'] = query.operation;
    }
    if (query.scimOnly) {
      filters.push('attribute_not_exists(#actor)');
      names['#actor'] = 'actor';
    }
    const items = await queryItems(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: keyCondition,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ...(query.after ? { ExclusiveStartKey: logKey(tenantId, query.after.at, query.after.requestId) } : {}),
      },
      query.limit,
    );
    return items.slice(0, query.limit).map(fromLogItem);
  }
}
