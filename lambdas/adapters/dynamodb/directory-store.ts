import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { ChangeEvent } from '../../events/catalog';
import type { DirectoryStore, StoredResource, UserLookupKey } from '../../operations/ports';
import { ScimError } from '../../scim/errors';
import { fromResourceItem, toEventItem, toUserItem, toUserNameMarkerItem, userNameOf, type Item } from './codec';
import { cancellationCodes, translateStorageError } from './errors';
import { foldCase, tenantPrefix, userKey, userNameMarkerKey } from './keys';

/** Largest number of ids one lookup returns (externalId is not unique, but a handful share one at most). */
const LOOKUP_LIMIT = 100;

/** DirectoryStore over the single table (docs/data-model.md lists every request each method sends). */
export class DynamoDirectoryStore implements DirectoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createUser(tenantId: string, user: StoredResource, events: readonly ChangeEvent[]): Promise<void> {
    const userName = userNameOf(user.data);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: toUserItem(tenantId, user), ConditionExpression: 'attribute_not_exists(pk)' } },
            // The marker's existence is the uniqueness constraint: no read before the write.
            { Put: { TableName: this.tableName, Item: toUserNameMarkerItem(tenantId, userName, user.id), ConditionExpression: 'attribute_not_exists(pk)' } },
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
    const unique = [...new Set(ids)].slice(0, 100);
    if (unique.length === 0) return [];
    const found: StoredResource[] = [];
    let keys: Item[] = unique.map((id) => userKey(tenantId, id) as unknown as Item);
    try {
      // BatchGetItem may leave keys unprocessed under load: ask again for those only.
      for (let attempt = 0; keys.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** Math.min(attempt, 6)));
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        found.push(...(Responses?.[this.tableName] ?? []).map(fromResourceItem));
        keys = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Item[];
      }
    } catch (error) {
      translateStorageError(error);
    }
    return found;
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

  private eventPuts(events: readonly ChangeEvent[]) {
    return events.map((event) => ({ Put: { TableName: this.tableName, Item: toEventItem(event) } }));
  }
}
