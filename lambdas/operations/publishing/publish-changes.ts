import { chunkEntries, entrySize, MAX_BYTES_PER_CALL, toEventEntry, type EventEntry } from '../../events/entries';
import { changeEventOf, isPublishable, type StreamRecord } from '../../events/stream-records';
import type { ChangeEvent } from '../../events/catalog';
import type { DeadLetterSink, EventEntryFailure, EventSink, SetAsideEntry } from './event-sink';

export interface PublishDependencies {
  readonly events: EventSink;
  /** Where entries that can never be published go (too large, malformed), so the rest go on. */
  readonly deadLetters: DeadLetterSink;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Per-entry PutEvents error codes that retrying cannot fix: the entry itself is at fault. Set aside
 * at once. Others (throttling, internal failures, access) are retried, then fail the batch.
 */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  'EntryTooLarge',
  'MalformedDetail',
  'InvalidArgument',
  'ValidationException',
]);

export interface PublishOptions {
  /** Calls per chunk, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubles for each next one. @default 100 ms */
  readonly baseDelayMs?: number;
}

export interface PublishResult {
  /** Entries the sink accepted. */
  readonly published: number;
  /** Entries that could never be published, handed to the dead-letter sink instead. */
  readonly setAside: number;
  /** Stream records skipped because they are not outbox inserts (the AWS filter never delivers them). */
  readonly skipped: number;
}

/** Thrown when entries are still refused after every retry: the stream delivers the batch again. */
export class PublishFailedError extends Error {
  constructor(readonly failures: readonly (EventEntryFailure & { readonly eventId: string })[]) {
    const shown = failures
      .slice(0, 3)
      .map(
        (failure) =>
          `${failure.eventId}: ${failure.errorCode}${failure.errorMessage ? ` (${failure.errorMessage})` : ''}`,
      );
    super(
      `${failures.length} event(s) not published after retries: ${shown.join('; ')}${failures.length > 3 ? '; …' : ''}`,
    );
    this.name = 'PublishFailedError';
  }
}

interface Pending {
  readonly eventId: string;
  readonly event: ChangeEvent;
  readonly entry: EventEntry;
}

function setAsideOf(item: Pending, reason: string): SetAsideEntry {
  const { event, entry } = item;
  return {
    eventId: event.eventId,
    detailType: event.detailType,
    tenantId: event.tenantId,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    version: event.version,
    bytes: entrySize(entry),
    reason,
    entry,
  };
}

/**
 * Publishes the outbox rows among a batch of stream records (transactional outbox, DESIGN.md
 * "Events"): in stream order, at most 10 entries and 256 KB per call, retrying only the entries the
 * sink refused, with exponential backoff. Still refused after maxAttempts: throws, so the stream
 * redelivers the batch (at-least-once; a redelivered event keeps its eventId). An entry that can
 * never be published (over 256 KB, or refused as malformed) is set aside in the dead-letter sink, and
 * the entries after it are published in order: one bad event never stops the others.
 */
export async function publishChanges(
  records: readonly StreamRecord[],
  deps: PublishDependencies,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const pending: Pending[] = records.filter(isPublishable).map((record) => {
    const event = changeEventOf(record);
    return { eventId: event.eventId, event, entry: toEventEntry(event) };
  });
  let published = 0;
  let setAside = 0;
  for (const chunk of chunkEntries(pending, (item) => item.entry)) {
    // An entry over 256 KB makes EventBridge refuse the whole call: set it aside without calling.
    const tooLarge = chunk.filter((item) => entrySize(item.entry) > MAX_BYTES_PER_CALL);
    if (tooLarge.length > 0) await deps.deadLetters.setAside(tooLarge.map((item) => setAsideOf(item, 'EntryTooLarge')));
    const putted = await putWithRetry(
      chunk.filter((item) => !tooLarge.includes(item)),
      deps,
      options,
    );
    published += putted.published;
    setAside += tooLarge.length + putted.setAside;
  }
  return { published, setAside, skipped: records.length - pending.length };
}

async function putWithRetry(
  chunk: readonly Pending[],
  deps: PublishDependencies,
  options: PublishOptions,
): Promise<{ published: number; setAside: number }> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  let remaining = chunk;
  let setAside = 0;
  for (let attempt = 1; remaining.length > 0; attempt++) {
    const failures = await deps.events.putEvents(remaining.map((item) => item.entry));
    if (failures.length === 0) break;
    const permanent = failures.filter((failure) => PERMANENT_ERRORS.has(failure.errorCode));
    if (permanent.length > 0) {
      await deps.deadLetters.setAside(
        permanent.flatMap((failure) =>
          remaining[failure.index] ? [setAsideOf(remaining[failure.index] as Pending, failure.errorCode)] : [],
        ),
      );
      setAside += permanent.length;
    }
    const retryable = failures.filter((failure) => !PERMANENT_ERRORS.has(failure.errorCode));
    if (retryable.length === 0) break;
    const failed = retryable.map((failure) => ({ ...failure, eventId: remaining[failure.index]?.eventId ?? '?' }));
    if (attempt >= maxAttempts) throw new PublishFailedError(failed);
    const retryIndexes = new Set(retryable.map((failure) => failure.index));
    remaining = remaining.filter((_item, index) => retryIndexes.has(index));
    await deps.sleep(baseDelayMs * 2 ** (attempt - 1));
  }
  return { published: chunk.length - setAside, setAside };
}
