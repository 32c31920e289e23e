import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, PageStart, ResourcePage } from '../../operations/ports';
import { fromResourceItem, type Item } from './codec';

/** How long a remembered page position stays usable; positions drift as resources come and go. */
const POSITION_TTL_MS = 5 * 60_000;
const MAX_POSITIONS = 10_000;
/** Keys read per Query while skipping to a startIndex (a page of keys only stays far below 1 MB). */
const SKIP_PAGE_LIMIT = 1_000;

/** The wall clock, for callers that pass none. */
const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/**
 * Remembered (partition, position) → id of the item just before that position, for as long as the
 * store lives (one per container, wiring.ts). An Okta-style import asks startIndex=1, 101, 201… in
 * turn: each page resumes from the previous one's end in O(page) instead of walking the partition
 * from its start (docs/data-model.md "Paging"). Timed by the Clock port, so tests can age it.
 */
export class PagePositions {
  private readonly positions = new Map<string, { readonly afterId: string; readonly at: number }>();

  constructor(private readonly clock: Clock = SYSTEM_CLOCK) {}

  remember(partition: string, position: number, afterId: string): void {
    if (this.positions.size >= MAX_POSITIONS) this.positions.delete(this.positions.keys().next().value as string);
    this.positions.set(`${partition}|${position}`, { afterId, at: this.clock.now().getTime() });
  }

  recall(partition: string, position: number): string | undefined {
    const entry = this.positions.get(`${partition}|${position}`);
    return entry && this.fresh(entry.at) ? entry.afterId : undefined;
  }

  /** The nearest fresh remembered position before `position` in `partition` (1 and no id when none). */
  nearestBefore(partition: string, position: number): { from: number; afterId?: string } {
    let from = 1;
    let afterId: string | undefined;
    for (const [key, entry] of this.positions) {
      const [keyPartition, keyPosition] = key.split('|');
      const at = Number(keyPosition);
      if (keyPartition === partition && at < position && at > from && this.fresh(entry.at)) {
        from = at;
        afterId = entry.afterId;
      }
    }
    return { from, ...(afterId !== undefined ? { afterId } : {}) };
  }

  private fresh(at: number): boolean {
    return this.clock.now().getTime() - at < POSITION_TTL_MS;
  }
}

/** Pages through one partition of resource items (users or groups of a tenant) in id order. */
export class PartitionPages {
  private readonly positions: PagePositions;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    clock?: Clock,
  ) {
    this.positions = new PagePositions(clock);
  }

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
    if (last !== undefined) this.positions.remember(partition, position + resources.length, last);
    return { items: resources, ...(more && last !== undefined ? { lastId: last } : {}) };
  }

  /** The id of the item at `position - 1`, walking keys only from the nearest remembered position. */
  private async idBefore(partition: string, position: number): Promise<string | undefined> {
    const known = this.positions.recall(partition, position);
    if (known !== undefined) return known;
    const nearest = this.positions.nearestBefore(partition, position);
    let from = nearest.from;
    const afterId = nearest.afterId;
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
      if (lastId !== undefined) this.positions.remember(partition, from, lastId);
      if (!LastEvaluatedKey) break;
      exclusiveStart = LastEvaluatedKey;
    }
    return skip > 0 ? undefined : lastId;
  }
}
