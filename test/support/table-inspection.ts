import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../lambdas/adapters/dynamodb/create-table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lambdas/local/dynamodb-local';

export type RawItem = Record<string, unknown>;

/** A document client on the run's DynamoDB Local, for tests that read the table behind the service. */
export function inspectionClient(endpoint = process.env.DYNAMODB_ENDPOINT ?? ''): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
}

/** Creates the service's table (keys, indexes, stream, TTL) on DynamoDB Local, for suites that run without a local service. */
export async function createTestTable(
  tableName: string,
  endpoint = process.env.DYNAMODB_ENDPOINT ?? '',
): Promise<void> {
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureTable(raw, tableName);
  } finally {
    raw.destroy();
  }
}

/** Every item of the table (tests only: no request path scans). */
export async function scanAll(client: DynamoDBDocumentClient, tableName: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...((page.Items ?? []) as RawItem[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every page of a consistent Query of one partition (`Select: 'COUNT'` pages carry only their Count). */
async function* partitionPages(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  select?: 'COUNT',
): AsyncGenerator<{ readonly Items?: RawItem[]; readonly Count?: number }> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Select: select,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    yield { Items: page.Items as RawItem[] | undefined, Count: page.Count };
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item of one partition, consistently. */
export async function partition(client: DynamoDBDocumentClient, tableName: string, pk: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  for await (const page of partitionPages(client, tableName, pk)) items.push(...(page.Items ?? []));
  return items;
}

/** How many items one partition holds (Select COUNT: no items cross the wire). */
export async function partitionSize(client: DynamoDBDocumentClient, tableName: string, pk: string): Promise<number> {
  let count = 0;
  for await (const page of partitionPages(client, tableName, pk, 'COUNT')) count += page.Count ?? 0;
  return count;
}
