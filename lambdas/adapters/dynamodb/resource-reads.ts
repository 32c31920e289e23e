import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableIndex } from '../../contracts/table';
import type { Clock, PageStart, ResourcePage, StoredResource } from '../../operations/ports';
import { batchGetItems } from './batch';
import { fromResourceItem } from './codec';
import { translateStorageError } from './errors';
import type { ItemKey } from './keys';
import { PartitionPages } from './partition-pages';
import { indexSortKeys } from './query';

/** Largest number of ids one lookup returns (externalId is not unique, but a handful share one at most). */
const LOOKUP_LIMIT = 100;

/**
 * The reads users and groups share (the base of DynamoDirectoryStore and DynamoGroupStore): one
 * resource by key, several by key, a page of a partition, the ids of an index lookup. Consistent
 * reads where the table allows them; storage faults translated at the edge.
 */
export abstract class ResourceReads {
  private readonly pages: PartitionPages;

  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
    /** Times the remembered page positions (partition-pages.ts). @default the wall clock */
    clock?: Clock,
  ) {
    this.pages = new PartitionPages(client, tableName, clock);
  }

  /** The resource item at `key`, or undefined. */
  protected async one(key: ItemKey): Promise<StoredResource | undefined> {
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
  protected async many(ids: readonly string[], keyOf: (id: string) => ItemKey): Promise<StoredResource[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    try {
      return (await batchGetItems(this.client, this.tableName, unique.map(keyOf))).map(fromResourceItem);
    } catch (error) {
      translateStorageError(error);
    }
  }

  /** One page of a partition of resource items, in id order. */
  protected async page(partition: string, start: PageStart, limit: number): Promise<ResourcePage> {
    try {
      return await this.pages.page(partition, start, limit);
    } catch (error) {
      translateStorageError(error);
    }
  }

  /** The ids one partition of a keys-only index holds (its sort keys), up to `limit`. */
  protected async indexIds(index: TableIndex, partition: string, limit = LOOKUP_LIMIT): Promise<string[]> {
    try {
      return await indexSortKeys(this.client, this.tableName, index, partition, limit);
    } catch (error) {
      translateStorageError(error);
    }
  }
}
