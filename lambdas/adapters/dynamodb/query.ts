import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './codec';
import type { ItemKey } from './keys';

/** Keys-only items a 1 MB Query page holds at most, roughly: below it a Limit saves reads. */
const QUERY_PAGE_ITEMS = 10_000;

/** Runs a Query page after page (1 MB each) until it is exhausted or `limit` items are read. */
export async function queryItems(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  await forEachQueryPage(
    client,
    input,
    async (page) => {
      items.push(...page);
    },
    limit,
  );
  return items.slice(0, limit);
}

/** Hands each page of a Query to `visit` in turn (for work that must not hold every item at once). */
export async function forEachQueryPage(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  visit: (items: Item[]) => Promise<void>,
  limit = Number.POSITIVE_INFINITY,
): Promise<void> {
  let read = 0;
  let exclusiveStart = input.ExclusiveStartKey;
  do {
    const remaining = limit - read;
    const { Items, LastEvaluatedKey } = await client.send(
      new QueryCommand({
        ...input,
        ExclusiveStartKey: exclusiveStart,
        ...(remaining < QUERY_PAGE_ITEMS ? { Limit: remaining } : {}),
      }),
    );
    const page = Items ?? [];
    read += page.length;
    await visit(page);
    exclusiveStart = LastEvaluatedKey;
  } while (exclusiveStart && read < limit);
}

/** Hands the keys of one partition's items to `visit`, a Query page at a time (deleting a partition without holding it). */
export function forEachPartitionKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  visit: (keys: ItemKey[]) => Promise<void>,
): Promise<void> {
  return forEachQueryPage(
    client,
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ProjectionExpression: 'pk, sk',
    },
    (items) => visit(items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }))),
  );
}

/** The sort keys of one partition of a KEYS_ONLY index, up to `limit`. */
export async function indexSortKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
  partition: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  const items = await queryItems(
    client,
    {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: { ':pk': partition },
    },
    limit,
  );
  return items.map((item) => String(item[index.sortKey]));
}
