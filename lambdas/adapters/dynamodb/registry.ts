import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { Item } from './codec';
import { indexSortKeys } from './query';

/**
 * Registries: one partition of an index that lists every item of one kind across tenants (tenant
 * records, Graph connectors), so listing them is a Query, never a Scan (docs/data-model.md).
 */
export type Registry = 'tenantRegistry' | 'connectorRegistry';

/** The index attributes that enter a tenant's item into `registry` (under `partition`). */
export function registryEntry(registry: Registry, partition: string, tenantId: string): Item {
  const index = TABLE.lookups[registry];
  return { [index.partitionKey]: partition, [index.sortKey]: tenantId };
}

/** The tenant ids `registry` lists under `partition`. */
export function registryTenantIds(
  client: DynamoDBDocumentClient,
  tableName: string,
  registry: Registry,
  partition: string,
): Promise<string[]> {
  return indexSortKeys(client, tableName, TABLE.lookups[registry], partition);
}

/** The table's own attributes on an item: keys, kind, TTL and every index key. */
const TABLE_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  'kind',
  TABLE.timeToLiveAttribute,
  ...Object.values(TABLE.indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
];

/** A registered item as its record: without the table's own attributes. */
export function registeredRecord<T>(item: Item): T {
  const record: Item = { ...item };
  for (const attribute of TABLE_ATTRIBUTES) delete record[attribute];
  return record as T;
}
