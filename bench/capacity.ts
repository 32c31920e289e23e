/**
 * DynamoDB capacity from item sizes, by DynamoDB's pricing rules. DynamoDB Local does not report
 * consumed capacity for transactions faithfully, so the bench sizes what each command wrote and read:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * (item size = attribute name bytes + value bytes; reads in 4 KB units, writes in 1 KB units,
 * transactions count twice, an eventually consistent read half).
 */
import { TABLE } from '../lambdas/contracts/table';

type AttributeValue = Record<string, unknown>;
type WireItem = Record<string, AttributeValue>;

export interface Capacity {
  /** Read request units (on-demand RRU = strongly consistent 4 KB read). */
  read: number;
  /** Write request units (on-demand WRU = 1 KB write). */
  write: number;
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: about one byte per two significant digits, plus one (DynamoDB's documented rule). */
function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Size in bytes of one wire-format attribute value ({S: …}, {N: …}, {M: …}, …). */
export function valueSize(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(inner));
    case 'N':
      return numberSize(String(inner));
    case 'B':
      return typeof inner === 'string' ? Buffer.from(inner, 'base64').length : (inner as Uint8Array).length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (inner as string[]).reduce((sum, item) => sum + utf8(item), 0);
    case 'NS':
      return (inner as string[]).reduce((sum, item) => sum + numberSize(item), 0);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, item) => sum + 1 + valueSize(item), 0);
    case 'M':
      return (
        3 + Object.entries(inner as WireItem).reduce((sum, [name, item]) => sum + 1 + utf8(name) + valueSize(item), 0)
      );
    default:
      return 1;
  }
}

/** Size in bytes of one wire-format item: every attribute's name plus its value. */
export function itemSize(item: WireItem | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/**
 * A put of a new item carrying an index's partition key also writes that index's entry: one standard
 * write (not doubled in a transaction) per KEYS_ONLY index, whose entries stay far below 1 KB. A put
 * that replaces an item (no `attribute_not_exists` condition) is taken to keep its index keys.
 */
function indexWrites(item: WireItem | undefined, condition?: string): number {
  if (!item || (condition !== undefined && !condition.includes('attribute_not_exists'))) return 0;
  return Object.values(TABLE.indexes).filter((index) => item[index.partitionKey] !== undefined).length;
}

const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * An UpdateItem's size is the item's before or after, whichever is larger; the bench sees only the
 * key and the new values, which is exact for the small counter and token-use items this service updates.
 */
function updateSize(update: {
  Key?: WireItem;
  ExpressionAttributeValues?: WireItem;
  ExpressionAttributeNames?: Record<string, string>;
}): number {
  return (
    itemSize(update.Key) +
    itemSize(update.ExpressionAttributeValues) +
    Object.values(update.ExpressionAttributeNames ?? {}).reduce((sum, name) => sum + utf8(name), 0)
  );
}

/** Capacity one command consumed, from its wire-format input and output. Deletes count as 1 KB (the old item is not returned). */
export function capacityOf(command: string, input: any, output: any): Capacity {
  const name = command.replace(/Command$/, '');
  switch (name) {
    case 'GetItem':
      return { read: readUnits(itemSize(output?.Item), input?.ConsistentRead === true), write: 0 };
    case 'BatchGetItem': {
      let read = 0;
      for (const [table, request] of Object.entries<any>(input?.RequestItems ?? {})) {
        const items: WireItem[] = output?.Responses?.[table] ?? [];
        const unprocessed: unknown[] = output?.UnprocessedKeys?.[table]?.Keys ?? [];
        const missing = Math.max(0, (request.Keys?.length ?? 0) - items.length - unprocessed.length);
        read += items.reduce((sum, item) => sum + readUnits(itemSize(item), request.ConsistentRead === true), 0);
        read += missing * readUnits(0, request.ConsistentRead === true);
      }
      return { read, write: 0 };
    }
    case 'Query':
    case 'Scan': {
      const bytes = ((output?.Items ?? []) as WireItem[]).reduce((sum, item) => sum + itemSize(item), 0);
      return { read: readUnits(bytes, input?.ConsistentRead === true), write: 0 };
    }
    case 'PutItem':
      return {
        read: 0,
        write: writeUnits(itemSize(input?.Item)) + indexWrites(input?.Item, input?.ConditionExpression ?? ''),
      };
    case 'UpdateItem':
      return { read: 0, write: writeUnits(output?.Attributes ? itemSize(output.Attributes) : updateSize(input ?? {})) };
    case 'DeleteItem':
      return { read: 0, write: writeUnits(itemSize(output?.Attributes)) };
    case 'BatchWriteItem': {
      let write = 0;
      for (const requests of Object.values<any[]>(input?.RequestItems ?? {})) {
        for (const request of requests)
          write +=
            writeUnits(request.PutRequest ? itemSize(request.PutRequest.Item) : 0) +
            indexWrites(request.PutRequest?.Item);
      }
      return { read: 0, write };
    }
    case 'TransactWriteItems': {
      let write = 0;
      let indexes = 0;
      for (const item of (input?.TransactItems ?? []) as any[]) {
        if (item.Put) write += writeUnits(itemSize(item.Put.Item));
        else if (item.Update) write += writeUnits(updateSize(item.Update));
        else write += writeUnits(0);
        indexes += indexWrites(item.Put?.Item, item.Put?.ConditionExpression ?? '');
      }
      return { read: 0, write: 2 * write + indexes };
    }
    case 'TransactGetItems': {
      const responses = (output?.Responses ?? []) as Array<{ Item?: WireItem }>;
      return {
        read: 2 * responses.reduce((sum, response) => sum + readUnits(itemSize(response.Item), true), 0),
        write: 0,
      };
    }
    default:
      return { read: 0, write: 0 };
  }
}
