import { EVENT_SOURCE, type ChangeEvent } from './catalog';

/** One PutEvents entry, without the bus name (the sink adds it). Also the line format of the local events file. */
export interface EventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
}

/** PutEvents accepts at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;

/** PutEvents accepts at most 256 KB per call, entry sizes summed as entrySize computes them. */
export const MAX_BYTES_PER_CALL = 256 * 1024;

/** The PutEvents entry of a change event: source, detail type and the event as detail. */
export function toEventEntry(event: ChangeEvent): EventEntry {
  return { Source: EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event) };
}

const encoder = new TextEncoder();

/**
 * An entry's size as EventBridge counts it: the UTF-8 bytes of Source, DetailType and Detail (no Time
 * or Resources are sent). https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export function entrySize(entry: EventEntry): number {
  return (
    encoder.encode(entry.Source).length + encoder.encode(entry.DetailType).length + encoder.encode(entry.Detail).length
  );
}

/**
 * Splits items into PutEvents calls, in order: at most 10 entries and 256 KB per call. An entry larger
 * than 256 KB on its own gets a call of its own (which EventBridge will refuse; the publisher fails it).
 */
export function chunkEntries<T>(items: readonly T[], entryOf: (item: T) => EventEntry): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(entryOf(item));
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
