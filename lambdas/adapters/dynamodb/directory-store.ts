import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type {
  Clock,
  DirectoryStore,
  PageStart,
  ResourcePage,
  StoredResource,
  UserLookupKey,
} from '../../operations/ports';
import { translateStorageError } from './errors';
import { foldCase, resourceCountKey, tenantPrefix, userKey, userNameMarkerKey } from './keys';
import { ResourceReads } from './resource-reads';

/** Largest number of ids one lookup returns (externalId is not unique, but a handful share one at most). */
const LOOKUP_LIMIT = 100;

/** DirectoryStore over the single table (docs/data-model.md lists every request each method sends). */
export class DynamoDirectoryStore implements DirectoryStore {
  private readonly reads: ResourceReads;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Times the remembered page positions (partition-pages.ts). @default the wall clock */
    clock?: Clock,
  ) {
    this.reads = new ResourceReads(client, tableName, clock);
  }

  async getUser(tenantId: string, id: string): Promise<StoredResource | undefined> {
    return this.reads.one(userKey(tenantId, id));
  }

  async getUsers(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    return this.reads.many(ids, (id) => userKey(tenantId, id));
  }

  async findUserIds(tenantId: string, key: UserLookupKey, value: string): Promise<string[]> {
    try {
      if (key === 'userName') {
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: userNameMarkerKey(tenantId, value), ConsistentRead: true }),
        );
        return Item ? [String(Item.userId)] : [];
      }
      const index = key === 'externalId' ? TABLE.indexes.byExternalId : TABLE.indexes.byName;
      const partition =
        key === 'externalId'
          ? `${tenantPrefix(tenantId)}#USER#EXTERNALID#${value}`
          : `${tenantPrefix(tenantId)}#USER#WORKEMAIL#${foldCase(value)}`;
      const { Items } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': partition },
          Limit: LOOKUP_LIMIT,
        }),
      );
      return (Items ?? []).map((item) => String(item[index.sortKey]));
    } catch (error) {
      translateStorageError(error);
    }
  }

  async listUsers(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage> {
    return this.reads.page(userKey(tenantId, '').pk, start, limit);
  }

  async countResources(tenantId: string, resourceType: 'User' | 'Group'): Promise<number> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: resourceCountKey(tenantId, resourceType),
          ConsistentRead: true,
        }),
      );
      return Math.max(0, Number(Item?.count ?? 0));
    } catch (error) {
      translateStorageError(error);
    }
  }
}
