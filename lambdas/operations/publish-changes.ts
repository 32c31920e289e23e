import { chunkEntries, entrySize, MAX_BYTES_PER_CALL, toEventEntry, type EventEntry } from '../events/entries';
import { changeEventOf, isPublishable, type StreamRecord } from '../events/stream-records';
import type { EventEntryFailure, EventSink } from './event-sink';

export interface PublishDependencies {
  readonly events: EventSink;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface PublishOptions {
  /** Calls per chunk, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubles for each next one. @default 100 ms */
  readonly baseDelayMs?: number;
}

export interface PublishResult {
  /** Entries the sink accepted. */
  readonly published: number;
  /** Stream records skipped because they are not outbox inserts (the AWS filter never delivers them). */
  readonly skipped: number;
}

/** Thrown when entries are still refused after every retry: the stream delivers the batch again. */
export class PublishFailedError extends Error {
  constructor(readonly failures: readonly (EventEntryFailure & { readonly eventId: string })[]) {
    const shown = failures.slice(0, 3).map((failure) => `${failure.eventId}: ${failure.errorCode}${failure.errorMessage ? ` (${failure.errorMessage})` : ''}`);
    super(`${failures.length} event(s) not published after retries: ${shown.join('; ')}${failures.length > 3 ? '; …' : ''}`);
    this.name = 'PublishFailedError';
  }
}

interface Pending {
  readonly eventId: string;
  readonly entry: EventEntry;
}

/**
 * Publishes the outbox rows among a batch of stream records (transactional outbox, DESIGN.md
 * "Events"): in stream order, at most 10 entries and 256 KB per call, retrying only the entries the
 * sink refused, with exponential backoff. Still refused after maxAttempts: throws, so the stream
 * redelivers the batch (at-least-once; a redelivered event keeps its eventId).
 */
export async function publishChanges(records: readonly StreamRecord[], deps: PublishDependencies, options: PublishOptions = {}): Promise<PublishResult> {
  const pending: Pending[] = records.filter(isPublishable).map((record) => {
    const event = changeEventOf(record);
    return { eventId: event.eventId, entry: toEventEntry(event) };
  });
  let published = 0;
  for (const chunk of chunkEntries(pending, (item) => item.entry)) {
    await putWithRetry(chunk, deps, options);
    published += chunk.length;
  }
  return { published, skipped: records.length - pending.length };
}

async function putWithRetry(chunk: readonly Pending[], deps: PublishDependencies, options: PublishOptions): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const tooLarge = chunk.filter((item) => entrySize(item.entry) > MAX_BYTES_PER_CALL);
  if (tooLarge.length > 0) {
    // EventBridge refuses the whole call; retrying cannot help, the batch goes to the DLQ after the stream's retries.
    throw new PublishFailedError(tooLarge.map((item, index) => ({ index, eventId: item.eventId, errorCode: 'EntryTooLarge', errorMessage: `${entrySize(item.entry)} bytes > ${MAX_BYTES_PER_CALL}` })));
  }
  let remaining = chunk;
  for (let attempt = 1; ; attempt++) {
    const failures = await deps.events.putEvents(remaining.map((item) => item.entry));
    if (failures.length === 0) return;
    const failed = failures.map((failure) => ({ ...failure, eventId: remaining[failure.index]?.eventId ?? '?' }));
    if (attempt >= maxAttempts) throw new PublishFailedError(failed);
    const failedIndexes = new Set(failures.map((failure) => failure.index));
    remaining = remaining.filter((_item, index) => failedIndexes.has(index));
    await deps.sleep(baseDelayMs * 2 ** (attempt - 1));
  }
}
