import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { toUserItem, toUserNameMarkerItem, type Item } from '../../lambdas/adapters/dynamodb/codec';
import { resourceCountKey } from '../../lambdas/adapters/dynamodb/keys';
import type { StoredResource } from '../../lambdas/operations/ports';
import { inspectionClient } from './table-inspection';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Writes `count` users of a tenant straight from the codec (item, userName marker, count), as the
 * create transaction would, with BatchWriteItem: for tests whose subject is what happens after.
 */
export async function seedUsers(tableName: string, tenantId: string, count: number): Promise<string[]> {
  const client = inspectionClient();
  try {
    const now = new Date().toISOString();
    const users: StoredResource[] = Array.from({ length: count }, (_unused, index) => {
      const id = randomUUID();
      const userName = `seed-${index}-${id.slice(0, 8)}@contoso.example`;
      return {
        id,
        version: 1,
        created: now,
        lastModified: now,
        data: { userName, active: true, emails: [{ type: 'work', value: userName }] },
      };
    });
    const items: Item[] = users.flatMap((user) => [
      toUserItem(tenantId, user),
      toUserNameMarkerItem(tenantId, String(user.data.userName), user.id),
    ]);
    await putItems(client, tableName, items, 4);
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: resourceCountKey(tenantId, 'User'),
        UpdateExpression: 'ADD #count :count SET kind = :kind',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':count': count, ':kind': 'count' },
      }),
    );
    return users.map((user) => user.id);
  } finally {
    client.destroy();
  }
}

/**
 * Writes `items` with BatchWriteItem (25 a request, DynamoDB's limit), `concurrency` requests in
 * flight, resending what DynamoDB leaves unprocessed until nothing is.
 */
export async function putItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  concurrency: number,
): Promise<void> {
  const queue: Item[][] = [];
  for (let start = 0; start < items.length; start += 25) queue.push(items.slice(start, start + 25));
  const writeAll = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      let pending: Item[] = batch.map((item) => ({ PutRequest: { Item: item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = (UnprocessedItems?.[tableName] ?? []) as Item[];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writeAll));
}
