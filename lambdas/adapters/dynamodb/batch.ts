import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Item } from './codec';
import { UnprocessedItemsError } from './errors';
import type { ItemKey } from './keys';

/** BatchGetItem takes at most 100 keys; BatchWriteItem at most 25 requests. */
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_ATTEMPTS = 8;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

async function backoff(attempt: number): Promise<void> {
  if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** Math.min(attempt, 6)));
}

/**
 * Reads items by key, consistently, 100 keys per request; keys DynamoDB leaves unprocessed under
 * load are asked for again with backoff. Missing items are skipped.
 */
export async function batchGetItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<Item[]> {
  const found: Item[] = [];
  for (const chunk of chunks(keys, BATCH_GET_LIMIT)) {
    let pending = chunk as unknown as Item[];
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= MAX_ATTEMPTS) throw new UnprocessedItemsError('BatchGetItem', pending.length);
      await backoff(attempt);
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
  }
  return found;
}

/** Deletes items by key, 25 per request, retrying unprocessed ones. Deleting a missing item is a no-op. */
export async function batchDeleteItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<void> {
  for (const chunk of chunks(keys, BATCH_WRITE_LIMIT)) {
    let pending: Item[] = chunk.map((key) => ({ DeleteRequest: { Key: key } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= MAX_ATTEMPTS) throw new UnprocessedItemsError('BatchWriteItem', pending.length);
      await backoff(attempt);
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (UnprocessedItems?.[tableName] ?? []) as Item[];
    }
  }
}

export { chunks };
