import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { DirectoryStore, PageStart, ResourcePage, StoredResource, UserLookupKey } from '../../operations/ports';
import { translateStorageError } from './errors';
import { resourceCountKey, userExternalIdPartition, userKey, userNameMarkerKey, userWorkEmailPartition } from './keys';
import { ResourceReads } from './resource-reads';

/** DirectoryStore over the single table (docs/data-model.md lists every request each method sends). */
export class DynamoDirectoryStore extends ResourceReads implements DirectoryStore {
  async getUser(tenantId: string, id: string): Promise<StoredResource | undefined> {
    return this.one(userKey(tenantId, id));
  }

  async getUsers(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    return this.many(ids, (id) => userKey(tenantId, id));
  }

  async findUserIds(tenantId: string, key: UserLookupKey, value: string): Promise<string[]> {
    if (key === 'externalId') return this.indexIds(TABLE.lookups.externalId, userExternalIdPartition(tenantId, value));
    if (key === 'workEmail') return this.indexIds(TABLE.lookups.workEmail, userWorkEmailPartition(tenantId, value));
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: userNameMarkerKey(tenantId, value), ConsistentRead: true }),
      );
      return Item ? [String(Item.userId)] : [];
    } catch (error) {
      translateStorageError(error);
    }
  }

  async listUsers(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage> {
    return this.page(userKey(tenantId, '').pk, start, limit);
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
