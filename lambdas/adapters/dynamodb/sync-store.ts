import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import { LeaseLost, type Lease, type LinkPage, type SyncStore } from '../../operations/graph-sync/sync-ports';
import type { ConnectorRecord } from '../../sync/connector';
import type { GroupLink, RunRecord, UserLink } from '../../sync/run-record';
import { batchDeleteItems, batchGetItems, chunks } from './batch';
import type { Item } from './codec';
import { ConnectorConflict } from '../../operations/writes/write-conflicts';
import { conditionFailed, translateStorageError, UnprocessedItemsError } from './errors';
import { registeredRecord, registryEntry, registryTenantIds } from './registry';
import { tenantPartitionKey } from '../../contracts/partitions';
import type { ItemKey } from './keys';
import { forEachPartitionKeys } from './query';

/**
 * Key builders of the sync's items (docs/data-model.md "Graph sync"); every partition starts with
 * the tenant, like the rest of the table.
 */
export function syncPartition(tenantId: string): string {
  return tenantPartitionKey(tenantId, 'sync');
}

export function connectorKey(tenantId: string): ItemKey {
  return { pk: syncPartition(tenantId), sk: 'CONNECTOR' };
}

export function leaseKey(tenantId: string): ItemKey {
  return { pk: syncPartition(tenantId), sk: 'LEASE' };
}

export function runKey(tenantId: string, runId: string): ItemKey {
  return { pk: syncPartition(tenantId), sk: `RUN#${runId}` };
}

export function userLinkKey(tenantId: string, graphId: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'userLinks'), sk: graphId };
}

export function groupLinkKey(tenantId: string, graphId: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'groupLinks'), sk: graphId };
}

/** The connector registry's partition (TABLE.lookups.connectorRegistry), for the dispatcher without a Scan. */
export const CONNECTOR_REGISTRY_PARTITION = 'SYNC-CONNECTORS';

/** How long run records are kept (DynamoDB TTL): enough for `sync status` to show a quarter's history. */
export const RUN_RETENTION_DAYS = 90;

const KIND = {
  connector: 'syncConnector',
  lease: 'syncLease',
  run: 'syncRun',
  userLink: 'syncUserLink',
  groupLink: 'syncGroupLink',
} as const;

export { ConnectorConflict } from '../../operations/writes/write-conflicts';

const isConditionalFailure = (error: unknown) => conditionFailed(error);
const strip = registeredRecord;

/** Cursor of a link page: the last graph id read. */
function pageOf<T>(items: Item[], lastKey: Record<string, unknown> | undefined): LinkPage<T> {
  return { items: items.map((item) => strip<T>(item)), ...(lastKey ? { cursor: String(lastKey.sk) } : {}) };
}

/** Connectors, runs, leases and links in the directory table. */
export class DynamoSyncStore implements SyncStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async send<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      translateStorageError(error);
    }
  }

  async getConnector(tenantId: string): Promise<ConnectorRecord | undefined> {
    const { Item } = await this.send(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: connectorKey(tenantId), ConsistentRead: true }),
      ),
    );
    return Item ? strip<ConnectorRecord>(Item) : undefined;
  }

  async putConnector(connector: ConnectorRecord, expectedVersion?: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...connectorKey(connector.tenantId),
            kind: KIND.connector,
            ...connector,
            ...registryEntry('connectorRegistry', CONNECTOR_REGISTRY_PARTITION, connector.tenantId),
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new ConnectorConflict(connector.tenantId, { cause: error });
      translateStorageError(error);
    }
  }

  async deleteConnector(tenantId: string): Promise<void> {
    for (const partition of [userLinkKey(tenantId, '').pk, groupLinkKey(tenantId, '').pk]) {
      await this.send(() =>
        forEachPartitionKeys(this.client, this.tableName, partition, (keys) =>
          batchDeleteItems(this.client, this.tableName, keys),
        ),
      );
    }
    await this.send(() => batchDeleteItems(this.client, this.tableName, [leaseKey(tenantId), connectorKey(tenantId)]));
  }

  async listConnectors(): Promise<ConnectorRecord[]> {
    const ids = await this.send(() =>
      registryTenantIds(this.client, this.tableName, 'connectorRegistry', CONNECTOR_REGISTRY_PARTITION),
    );
    const items = await this.send(() => batchGetItems(this.client, this.tableName, ids.map(connectorKey)));
    return items.map((item) => strip<ConnectorRecord>(item)).sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }

  async acquireLease(tenantId: string, runId: string, until: string, now: string, holder?: string): Promise<boolean> {
    const free = 'attribute_not_exists(pk) OR #until < :now';
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...leaseKey(tenantId), kind: KIND.lease, runId, until, ...(holder !== undefined ? { holder } : {}) },
          ConditionExpression:
            holder === undefined ? free : `${free} OR (runId = :runId AND attribute_not_exists(holder))`,
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now, ...(holder !== undefined ? { ':runId': runId } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      translateStorageError(error);
    }
  }

  async getLease(tenantId: string): Promise<Lease | undefined> {
    const { Item } = await this.send(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: leaseKey(tenantId), ConsistentRead: true })),
    );
    return Item
      ? {
          runId: String(Item.runId),
          until: String(Item.until),
          ...(Item.holder !== undefined ? { holder: String(Item.holder) } : {}),
        }
      : undefined;
  }

  private runItem(run: RunRecord): Item {
    return {
      ...runKey(run.tenantId, run.runId),
      kind: KIND.run,
      ...run,
      [TABLE.timeToLiveAttribute]: Math.floor(Date.parse(run.startedAt) / 1000) + RUN_RETENTION_DAYS * 86_400,
    };
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.send(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.runItem(run),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getRun(tenantId: string, runId: string): Promise<RunRecord | undefined> {
    const { Item } = await this.send(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runId), ConsistentRead: true }),
      ),
    );
    return Item ? strip<RunRecord>(Item) : undefined;
  }

  async saveRun(
    run: RunRecord,
    lease: { readonly holder: string; readonly until?: string; readonly handoff?: boolean },
  ): Promise<void> {
    const held = {
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':holder': lease.holder } as Record<string, unknown>,
    };
    const change =
      lease.until === undefined
        ? { Delete: { TableName: this.tableName, Key: leaseKey(run.tenantId), ...held } }
        : {
            Update: {
              TableName: this.tableName,
              Key: leaseKey(run.tenantId),
              UpdateExpression: lease.handoff ? 'SET #until = :until REMOVE holder' : 'SET #until = :until',
              ExpressionAttributeNames: { '#until': 'until' },
              ConditionExpression: held.ConditionExpression,
              ExpressionAttributeValues: { ...held.ExpressionAttributeValues, ':until': lease.until },
            },
          };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: this.tableName, Item: this.runItem(run) } }, change],
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new LeaseLost(run.tenantId);
      translateStorageError(error);
    }
  }

  async putRun(run: RunRecord): Promise<void> {
    await this.send(() => this.client.send(new PutCommand({ TableName: this.tableName, Item: this.runItem(run) })));
  }

  async listRuns(tenantId: string, limit: number): Promise<RunRecord[]> {
    const { Items } = await this.send(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
          ExpressionAttributeValues: { ':pk': syncPartition(tenantId), ':run': 'RUN#' },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      ),
    );
    return (Items ?? []).map((item) => strip<RunRecord>(item));
  }

  async getUserLinks(tenantId: string, graphIds: readonly string[]): Promise<Map<string, UserLink>> {
    return this.links<UserLink>([...new Set(graphIds)].map((id) => userLinkKey(tenantId, id)));
  }

  async getGroupLinks(tenantId: string, graphIds: readonly string[]): Promise<Map<string, GroupLink>> {
    return this.links<GroupLink>([...new Set(graphIds)].map((id) => groupLinkKey(tenantId, id)));
  }

  private async links<T extends { graphId: string }>(keys: ItemKey[]): Promise<Map<string, T>> {
    if (keys.length === 0) return new Map();
    const items = await this.send(() => batchGetItems(this.client, this.tableName, keys));
    return new Map(items.map((item) => strip<T>(item)).map((link) => [link.graphId, link]));
  }

  async putLinks(tenantId: string, users: readonly UserLink[], groups: readonly GroupLink[]): Promise<void> {
    const items = [
      ...users.map((link) => ({ ...userLinkKey(tenantId, link.graphId), kind: KIND.userLink, ...link })),
      ...groups.map((link) => ({ ...groupLinkKey(tenantId, link.graphId), kind: KIND.groupLink, ...link })),
    ];
    // The last write of one key in a batch wins; BatchWriteItem refuses duplicate keys in one request.
    const unique = [...new Map(items.map((item) => [`${item.pk}|${item.sk}`, item])).values()];
    for (const chunk of chunks(unique, 25)) {
      let pending: Item[] = chunk;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** Math.min(attempt, 6)));
        if (attempt >= 8) throw new UnprocessedItemsError('BatchWriteItem', pending.length);
        const result = await this.send(() =>
          this.client.send(
            new BatchWriteCommand({
              RequestItems: { [this.tableName]: pending.map((Item) => ({ PutRequest: { Item } })) },
            }),
          ),
        );
        pending = (result.UnprocessedItems?.[this.tableName] ?? []).map((request) => request.PutRequest?.Item as Item);
      }
    }
  }

  async deleteLinks(tenantId: string, users: readonly string[], groups: readonly string[]): Promise<void> {
    const keys = [...users.map((id) => userLinkKey(tenantId, id)), ...groups.map((id) => groupLinkKey(tenantId, id))];
    if (keys.length > 0) await this.send(() => batchDeleteItems(this.client, this.tableName, keys));
  }

  async listUserLinks(tenantId: string, limit: number, cursor?: string): Promise<LinkPage<UserLink>> {
    return this.linkPage<UserLink>(userLinkKey(tenantId, '').pk, limit, cursor);
  }

  async listGroupLinks(tenantId: string, limit: number, cursor?: string): Promise<LinkPage<GroupLink>> {
    return this.linkPage<GroupLink>(groupLinkKey(tenantId, '').pk, limit, cursor);
  }

  private async linkPage<T>(partition: string, limit: number, cursor?: string): Promise<LinkPage<T>> {
    const { Items, LastEvaluatedKey } = await this.send(() =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          Limit: limit,
          ConsistentRead: true,
          ...(cursor !== undefined ? { ExclusiveStartKey: { pk: partition, sk: cursor } } : {}),
        }),
      ),
    );
    return pageOf<T>(Items ?? [], LastEvaluatedKey);
  }
}
