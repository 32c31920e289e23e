import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PageStart, ResourcePage } from '../../operations/ports';
import { fromResourceItem, type Item } from './codec';

/** How long a remembered page position stays usable; positions drift as resources come and go. */
const POSITION_TTL_MS = 5 * 60_000;
const MAX_POSITIONS = 10_000;
/** Keys read per Query while skipping to a startIndex (a page of keys only stays far below 1 MB). */
const SKIP_PAGE_LIMIT = 1_000;

/**
 * Remembered (partition, position) → id of the item just before that position, per container. An
 * Okta-style import asks startIndex=1, 101, 201… in turn: each page resumes from the previous one's
 * end in O(page) instead of walking the partition from its start (docs/data-model.md "Paging").
 */
const positions = new Map<string, { readonly afterId: string; readonly at: number }>();

function remember(partition: string, position: number, afterId: string): void {
  if (positions.size >= MAX_POSITIONS) positions.delete(positions.keys().next().value as string);
  positions.set(`${partition}|${position}`, { afterId, at: Date.now() });
}

function recall(partition: string, position: number): string | undefined {
  const entry = positions.get(`${partition}|${position}`);
  return entry && Date.now() - entry.at < POSITION_TTL_MS ? entry.afterId : undefined;
}

/** Pages through one partition of resource items (users or groups of a tenant) in id order. */
export class PartitionPages {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async page(partition: string, start: PageStart, limit: number): Promise<ResourcePage> {
    let afterId: string | undefined;
    let position = 1;
    if ('startIndex' in start) {
      position = start.startIndex;
      afterId = position > 1 ? await this.idBefore(partition, position) : undefined;
      if (position > 1 && afterId === undefined) return { items: [] };
    } else {
      afterId = start.afterId;
    }
    if (limit <= 0) return { items: [], ...(afterId !== undefined ? { lastId: afterId } : {}) };

    const items: Item[] = [];
    let exclusiveStart: Item | undefined = afterId !== undefined ? { pk: partition, sk: afterId } : undefined;
    let more = true;
    while (items.length < limit && more) {
      const { Items, LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ExclusiveStartKey: exclusiveStart,
          Limit: limit - items.length,
          ConsistentRead: true,
        }),
      );
      items.push(...(Items ?? []));
      exclusiveStart = LastEvaluatedKey;
      more = LastEvaluatedKey !== undefined;
    }
    const resources = items.map(fromResourceItem);
    const last = resources.at(-1)?.id;
    if (last !== undefined) remember(partition, position + resources.length, last);
    return { items: resources, ...(more && last !== undefined ? { lastId: last } : {}) };
  }

  /** The id of the item at `position - 1`, walking keys only from the nearest remembered position. */
  private async idBefore(partition: string, position: number): Promise<string | undefined> {
    const known = recall(partition, position);
    if (known !== undefined) return known;
    let from = 1;
    let afterId: string | undefined;
    for (const [key, entry] of positions) {
      const [keyPartition, keyPosition] = key.split('|');
      const at = Number(keyPosition);
      if (keyPartition === partition && at < position && at > from && Date.now() - entry.at < POSITION_TTL_MS) {
        from = at;
        afterId = entry.afterId;
      }
    }
    let skip = position - from;
    let exclusiveStart: Item | undefined = afterId !== undefined ? { pk: partition, sk: afterId } : undefined;
    let lastId = afterId;
    while (skip > 0) {
      const { Items, LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ProjectionExpression: 'sk',
          ExclusiveStartKey: exclusiveStart,
          // A client's startIndex can be any integer; DynamoDB refuses a Limit that large.
          Limit: Math.min(skip, SKIP_PAGE_LIMIT),
        }),
      );
      const found = Items ?? [];
      if (found.length > 0) lastId = String(found.at(-1)?.sk);
      skip -= found.length;
      from += found.length;
      if (lastId !== undefined) remember(partition, from, lastId);
      if (!LastEvaluatedKey) break;
      exclusiveStart = LastEvaluatedKey;
    }
    return skip > 0 ? undefined : lastId;
  }
}
