import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, PageStart, ResourcePage, StoredResource } from '../../operations/ports';
import { batchGetItems } from './batch';
import { fromResourceItem } from './codec';
import { translateStorageError } from './errors';
import type { ItemKey } from './keys';
import { PartitionPages } from './partition-pages';

/**
 * The reads users and groups share (DynamoDirectoryStore, DynamoGroupStore): one resource by key,
 * several by key, and a page of a partition. Consistent reads; storage faults translated at the edge.
 */
export class ResourceReads {
  private readonly pages: PartitionPages;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Times the remembered page positions (partition-pages.ts). @default the wall clock */
    clock?: Clock,
  ) {
    this.pages = new PartitionPages(client, tableName, clock);
  }

  /** The resource item at `key`, or undefined. */
  async one(key: ItemKey): Promise<StoredResource | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      return Item ? fromResourceItem(Item) : undefined;
    } catch (error) {
      translateStorageError(error);
    }
  }

  /** The resource items of the distinct `ids` that exist, keyed by `keyOf`. */
  async many(ids: readonly string[], keyOf: (id: string) => ItemKey): Promise<StoredResource[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    try {
      return (await batchGetItems(this.client, this.tableName, unique.map(keyOf))).map(fromResourceItem);
    } catch (error) {
      translateStorageError(error);
    }
  }

  /** One page of a partition of resource items, in id order. */
  async page(partition: string, start: PageStart, limit: number): Promise<ResourcePage> {
    try {
      return await this.pages.page(partition, start, limit);
    } catch (error) {
      translateStorageError(error);
    }
  }
}
