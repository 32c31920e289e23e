import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { TenantStore } from '../../operations/ports';
import type { TenantRecord } from '../../tenancy/tenant';
import { translateStorageError } from './errors';
import { tenantKey } from './keys';

/** Thrown when a conditional tenant write finds another version (the caller re-reads and retries). */
export class TenantWriteConflict extends Error {
  constructor(tenantId: string) {
    super(`Tenant ${tenantId} exists already or changed concurrently`);
    this.name = 'TenantWriteConflict';
  }
}

function isConditionalFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** Tenant records: one item per tenant holding its status and token digests. */
export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tenantKey(tenantId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, kind: _kind, ...record } = Item;
      return record as TenantRecord;
    } catch (error) {
      translateStorageError(error);
    }
  }

  async createTenant(tenant: TenantRecord): Promise<void> {
    await this.put(tenant, 'attribute_not_exists(pk)');
  }

  async updateTenant(tenant: TenantRecord, expectedVersion: number): Promise<void> {
    await this.put(tenant, '#version = :expected', { ':expected': expectedVersion });
  }

  private async put(tenant: TenantRecord, condition: string, values?: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...tenantKey(tenant.tenantId), kind: TABLE.kinds.tenant, ...tenant },
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new TenantWriteConflict(tenant.tenantId);
      translateStorageError(error);
    }
  }
}
