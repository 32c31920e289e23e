import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { ChangeEvent } from '../../events/catalog';
import type { GuardAction, GuardState, GuardStore, HeldPage } from '../../operations/ports';
import { CommitFailure } from '../../operations/writes/write-plan';
import { logEntryOfEvent } from '../../tenancy/provisioning-log';
import {
  DEFAULT_GUARD_SETTINGS,
  windowIndexOf,
  type GuardSettings,
  type Hold,
  type RemovalWindow,
} from '../../tenancy/removal-guard';
import { fromHeldChangeItem, toEventItem, toLogItem, type Item } from './codec';
import { translateStorageError } from './errors';
import { guardKey, heldPartition } from './keys';
import { commitFailureOf } from './transactions';

/** Lost races on the guard item (another removal counted first) before a count gives up with a 503. */
const MAX_COUNT_ATTEMPTS = 25;

const isConditionFailure = (error: unknown) => (error as { name?: string })?.name === 'ConditionalCheckFailedException';
const isConflict = (error: unknown) =>
  ['TransactionConflictException', 'TransactionCanceledException'].includes((error as { name?: string })?.name ?? '');
const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 20));

function settingsOf(item: Item | undefined): GuardSettings {
  if (!item || item.maxRemovals === undefined) return DEFAULT_GUARD_SETTINGS;
  return {
    enabled: item.enabled !== false,
    maxRemovals: Number(item.maxRemovals),
    windowSeconds: Number(item.windowSeconds),
    ...(item.percent !== undefined ? { percent: Number(item.percent) } : {}),
  };
}

function stateOf(item: Item | undefined): GuardState {
  const hold = item?.hold as Hold | undefined;
  const lock = item?.lock as GuardState['lock'];
  return {
    settings: settingsOf(item),
    // Counters of another window length (set since) say nothing about this one's windows.
    ...(item?.w !== undefined && Number(item.ws) === settingsOf(item).windowSeconds
      ? { window: { index: Number(item.w), current: Number(item.c ?? 0), previous: Number(item.p ?? 0) } }
      : {}),
    ...(hold ? { hold: { id: String(hold.id), since: String(hold.since) } } : {}),
    holds: Number(item?.holds ?? 0),
    ...(lock ? { lock: { kind: lock.kind, until: String(lock.until) } } : {}),
  };
}

/**
 * The removal guard over the single table: one item per tenant (`TENANT#<id>` / `GUARD`) holds the
 * settings, the two window counters, the hold in force and the release/reject lock; held changes are
 * rows of `TENANT#<id>#HELD` (written by the write store's holdEvent).
 */
export class DynamoGuardStore implements GuardStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async item(tenantId: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: guardKey(tenantId), ConsistentRead: true }),
    );
    return Item;
  }

  async getGuard(tenantId: string): Promise<GuardState> {
    try {
      return stateOf(await this.item(tenantId));
    } catch (error) {
      translateStorageError(error);
    }
  }

  async putSettings(tenantId: string, settings: GuardSettings): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(tenantId),
          UpdateExpression: `SET kind = :kind, #enabled = :enabled, maxRemovals = :max, windowSeconds = :window${settings.percent !== undefined ? ', #percent = :percent' : ' REMOVE #percent'}`,
          ExpressionAttributeNames: { '#enabled': 'enabled', '#percent': 'percent' },
          ExpressionAttributeValues: {
            ':kind': TABLE.kinds.guard,
            ':enabled': settings.enabled,
            ':max': settings.maxRemovals,
            ':window': settings.windowSeconds,
            ...(settings.percent !== undefined ? { ':percent': settings.percent } : {}),
          },
        }),
      );
    } catch (error) {
      translateStorageError(error);
    }
  }

  /**
   * Read, then one conditional update: ADD to the current window's counter, or rotate the counters
   * when the window moved on (the old current becomes `previous` when it was the window just before).
   * Concurrent removals serialise on the item; each gets its own count. With the counters the
   * caller just read (`seen`), the first try is conditional on them instead of reading again.
   */
  async countRemoval(
    tenantId: string,
    atMs: number,
    windowSeconds: number,
    seen?: RemovalWindow,
  ): Promise<RemovalWindow> {
    const index = windowIndexOf(atMs, windowSeconds);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const item: Item | undefined =
          attempt === 1 && seen ? { w: seen.index, ws: windowSeconds, c: seen.current } : await this.item(tenantId);
        const same = item?.w !== undefined && Number(item.ws) === windowSeconds;
        const input =
          same && Number(item.w) >= index
            ? // This window (or, with a container's clock behind, a later one another already opened).
              {
                UpdateExpression: 'ADD c :one',
                ConditionExpression: 'w = :w AND ws = :ws',
                ExpressionAttributeValues: { ':one': 1, ':w': Number(item.w), ':ws': windowSeconds },
              }
            : {
                UpdateExpression: 'SET kind = :kind, w = :w, ws = :ws, c = :one, p = :p',
                ConditionExpression: item?.w === undefined ? 'attribute_not_exists(w)' : 'w = :old AND ws = :oldws',
                ExpressionAttributeValues: {
                  ':kind': TABLE.kinds.guard,
                  ':w': index,
                  ':ws': windowSeconds,
                  ':one': 1,
                  ':p': same && Number(item.w) === index - 1 ? Number(item.c ?? 0) : 0,
                  ...(item?.w !== undefined ? { ':old': Number(item.w), ':oldws': Number(item.ws) } : {}),
                },
              };
        const { Attributes } = await this.client.send(
          new UpdateCommand({ TableName: this.tableName, Key: guardKey(tenantId), ReturnValues: 'ALL_NEW', ...input }),
        );
        return {
          index: Number(Attributes?.w),
          current: Number(Attributes?.c ?? 0),
          previous: Number(Attributes?.p ?? 0),
        };
      } catch (error) {
        if (!(isConditionFailure(error) || isConflict(error))) translateStorageError(error);
        if (attempt >= MAX_COUNT_ATTEMPTS)
          throw new CommitFailure('transactionConflict', 'The removal counter kept changing.', { cause: error });
        await jitter();
      }
    }
  }

  async uncountRemoval(tenantId: string, index: number, windowSeconds: number): Promise<void> {
    // Two conditional tries, one per counter that may hold the removal; never below zero (a release
    // or reject restarted the counting meanwhile).
    for (const [counter, window] of [
      ['c', index],
      ['p', index + 1],
    ] as const) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: guardKey(tenantId),
            UpdateExpression: `ADD #counter :minus`,
            ConditionExpression: 'w = :w AND ws = :ws AND #counter > :zero',
            ExpressionAttributeNames: { '#counter': counter },
            ExpressionAttributeValues: { ':minus': -1, ':w': window, ':ws': windowSeconds, ':zero': 0 },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) translateStorageError(error);
      }
    }
  }

  async startHold(tenantId: string, hold: Hold, event: ChangeEvent): Promise<Hold> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: guardKey(tenantId),
                UpdateExpression: 'SET kind = :kind, #hold = :hold, #holds = :holds',
                ConditionExpression:
                  'attribute_not_exists(#hold) AND (attribute_not_exists(#holds) OR #holds = :previous)',
                ExpressionAttributeNames: { '#hold': 'hold', '#holds': 'holds' },
                ExpressionAttributeValues: {
                  ':kind': TABLE.kinds.guard,
                  ':hold': hold,
                  ':holds': event.version,
                  ':previous': event.version - 1,
                },
              },
            },
            { Put: { TableName: this.tableName, Item: toEventItem(event) } },
            { Put: { TableName: this.tableName, Item: toLogItem(logEntryOfEvent(event)) } },
          ],
        }),
      );
      return hold;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      // Lost to another removal's hold: its condition failed, or its transaction ran into ours
      // (TransactionConflict). Either way the hold now in force, if any, is the answer.
      const lost = reasons[0]?.Code === 'ConditionalCheckFailed' || reasons[0]?.Code === 'TransactionConflict';
      if (!lost) throw commitFailureOf(error, []) ?? translateStorageError(error);
      const current = await this.getGuard(tenantId);
      if (current.hold) return current.hold;
      // No hold in force (another started and ended meanwhile, or the conflicting write was not a
      // hold): the caller counts again.
      throw new CommitFailure('versionConflict', 'The guard changed while a hold was starting.', { cause: error });
    }
  }

  async endHold(tenantId: string, holdId: string | undefined, atMs: number, windowSeconds: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(tenantId),
          UpdateExpression: 'SET kind = :kind, w = :w, ws = :ws, c = :zero, p = :zero REMOVE #hold',
          ExpressionAttributeNames: { '#hold': 'hold', ...(holdId !== undefined ? { '#id': 'id' } : {}) },
          ...(holdId !== undefined ? { ConditionExpression: '#hold.#id = :id' } : {}),
          ExpressionAttributeValues: {
            ':kind': TABLE.kinds.guard,
            ':w': windowIndexOf(atMs, windowSeconds),
            ':ws': windowSeconds,
            ':zero': 0,
            ...(holdId !== undefined ? { ':id': holdId } : {}),
          },
        }),
      );
    } catch (error) {
      // A hold other than the one released is in force now: it stays.
      if (!isConditionFailure(error)) translateStorageError(error);
    }
  }

  async lock(tenantId: string, kind: GuardAction, atMs: number, untilMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(tenantId),
          UpdateExpression: 'SET kind = :kind, #lock = :lock',
          ConditionExpression: 'attribute_not_exists(#lock) OR #lock.#until < :now',
          ExpressionAttributeNames: { '#lock': 'lock', '#until': 'until' },
          ExpressionAttributeValues: {
            ':kind': TABLE.kinds.guard,
            ':lock': { kind, until: new Date(untilMs).toISOString() },
            ':now': new Date(atMs).toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      translateStorageError(error);
    }
  }

  async unlock(tenantId: string, kind: GuardAction): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(tenantId),
          UpdateExpression: 'REMOVE #lock',
          ConditionExpression: '#lock.#kind = :kind',
          ExpressionAttributeNames: { '#lock': 'lock', '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': kind },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) translateStorageError(error);
    }
  }

  async listHeld(tenantId: string, limit: number, cursor?: string): Promise<HeldPage> {
    try {
      const pk = heldPartition(tenantId);
      const { Items = [], LastEvaluatedKey } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          Limit: limit,
          ...(cursor !== undefined ? { ExclusiveStartKey: { pk, sk: cursor } } : {}),
        }),
      );
      return {
        items: Items.map(fromHeldChangeItem),
        ...(LastEvaluatedKey ? { cursor: String(LastEvaluatedKey.sk) } : {}),
      };
    } catch (error) {
      translateStorageError(error);
    }
  }
}
