import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { ChangeEvent } from '../../events/catalog';
import type { DirectoryStore, PageStart, ResourcePage, StoredResource, UserLookupKey } from '../../operations/ports';
import { ScimError } from '../../scim/errors';
import { fromResourceItem, toUserItem, toUserNameMarkerItem, userNameOf , outboxItems } from './codec';
import { cancellationCodes, translateStorageError } from './errors';
import { batchDeleteItems, batchGetItems } from './batch';
import { foldCase, membershipKey, memberOfPartition, resourceCountKey, tenantPrefix, userKey, userNameMarkerKey } from './keys';
import { PartitionPages } from './partition-pages';
import { indexSortKeys } from './query';

/** The transaction item that keeps a tenant's user or group count (totalResults without a Query). */
export function countUpdate(tableName: string, tenantId: string, resourceType: 'User' | 'Group', delta: 1 | -1) {
  return {
    Update: {
      TableName: tableName,
      Key: resourceCountKey(tenantId, resourceType),
      UpdateExpression: 'ADD #count :delta SET kind = :kind',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':delta': delta, ':kind': 'count' },
    },
  };
}

/** Largest number of ids one lookup returns (externalId is not unique, but a handful share one at most). */
const LOOKUP_LIMIT = 100;

/** DirectoryStore over the single table (docs/data-model.md lists every request each method sends). */
export class DynamoDirectoryStore implements DirectoryStore {
  private readonly pages: PartitionPages;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.pages = new PartitionPages(client, tableName);
  }

  async createUser(tenantId: string, user: StoredResource, events: readonly ChangeEvent[]): Promise<void> {
    const userName = userNameOf(user.data);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: toUserItem(tenantId, user), ConditionExpression: 'attribute_not_exists(pk)' } },
            // The marker's existence is the uniqueness constraint: no read before the write.
            { Put: { TableName: this.tableName, Item: toUserNameMarkerItem(tenantId, userName, user.id), ConditionExpression: 'attribute_not_exists(pk)' } },
            countUpdate(this.tableName, tenantId, 'User', 1),
            ...this.eventPuts(events),
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[1] === 'ConditionalCheckFailed') throw ScimError.conflict(`userName "${userName}" is already taken in this tenant.`);
      if (codes?.[0] === 'ConditionalCheckFailed') throw ScimError.conflict(`A user with id "${user.id}" already exists.`);
      translateStorageError(error);
    }
  }

  async getUser(tenantId: string, id: string): Promise<StoredResource | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: userKey(tenantId, id), ConsistentRead: true }));
      return Item ? fromResourceItem(Item) : undefined;
    } catch (error) {
      translateStorageError(error);
    }
  }

  async getUsers(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    try {
      const items = await batchGetItems(this.client, this.tableName, unique.map((id) => userKey(tenantId, id)));
      return items.map(fromResourceItem);
    } catch (error) {
      translateStorageError(error);
    }
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
      const partition = key === 'externalId' ? `${tenantPrefix(tenantId)}#USER#EXTERNALID#${value}` : `${tenantPrefix(tenantId)}#USER#WORKEMAIL#${foldCase(value)}`;
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

  async deleteUser(tenantId: string, user: StoredResource, events: readonly ChangeEvent[]): Promise<void> {
    try {
      // Memberships go first: a crash in between leaves the user in place for Entra's retry to finish.
      await this.deleteMemberships(tenantId, user.id);
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: userKey(tenantId, user.id),
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': user.version },
              },
            },
            { Delete: { TableName: this.tableName, Key: userNameMarkerKey(tenantId, userNameOf(user.data)) } },
            countUpdate(this.tableName, tenantId, 'User', -1),
            ...this.eventPuts(events),
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') {
        throw ScimError.preconditionFailed(`User "${user.id}" changed while it was being deleted; read it again and retry.`);
      }
      translateStorageError(error);
    }
  }

  async replaceUser(tenantId: string, before: StoredResource, after: StoredResource, events: readonly ChangeEvent[]): Promise<void> {
    const oldName = userNameOf(before.data);
    const newName = userNameOf(after.data);
    const renamed = foldCase(oldName) !== foldCase(newName);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toUserItem(tenantId, after),
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': before.version },
              },
            },
            ...(renamed
              ? [
                  { Put: { TableName: this.tableName, Item: toUserNameMarkerItem(tenantId, newName, after.id), ConditionExpression: 'attribute_not_exists(pk)' } },
                  { Delete: { TableName: this.tableName, Key: userNameMarkerKey(tenantId, oldName) } },
                ]
              : []),
            ...this.eventPuts(events),
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') {
        throw ScimError.preconditionFailed(`User "${before.id}" changed since version ${before.version}; read it again and retry.`);
      }
      if (codes?.[1] === 'ConditionalCheckFailed') throw ScimError.conflict(`userName "${newName}" is already taken in this tenant.`);
      translateStorageError(error);
    }
  }

  async listUsers(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage> {
    try {
      return await this.pages.page(userKey(tenantId, '').pk, start, limit);
    } catch (error) {
      translateStorageError(error);
    }
  }

  async countResources(tenantId: string, resourceType: 'User' | 'Group'): Promise<number> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: resourceCountKey(tenantId, resourceType), ConsistentRead: true }));
      return Math.max(0, Number(Item?.count ?? 0));
    } catch (error) {
      translateStorageError(error);
    }
  }

  /** Removes every membership of a member (user or group), idempotently. */
  private async deleteMemberships(tenantId: string, memberId: string): Promise<void> {
    const groupIds = await indexSortKeys(this.client, this.tableName, TABLE.indexes.byExternalId, memberOfPartition(tenantId, memberId));
    await batchDeleteItems(this.client, this.tableName, groupIds.map((groupId) => membershipKey(tenantId, groupId, memberId)));
  }

  private eventPuts(events: readonly ChangeEvent[]) {
    return outboxItems(this.tableName, events);
  }

}
