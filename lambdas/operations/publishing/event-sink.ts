import type { EventEntry } from '../../events/entries';

/** An entry a sink did not accept, by its index in the call, with the reason the sink gave. */
export interface EventEntryFailure {
  readonly index: number;
  readonly errorCode: string;
  readonly errorMessage?: string;
}

/**
 * Where change events go: EventBridge in AWS, the console and a JSON-lines file locally.
 * One call takes at most 10 entries totalling at most 256 KB (PutEvents' limits).
 */
export interface EventSink {
  /** Sends the entries; resolves with the ones not accepted (empty when all were). */
  putEvents(entries: readonly EventEntry[]): Promise<readonly EventEntryFailure[]>;
}

/** A change event the publisher could not publish and set aside, with what identifies it and why. */
export interface SetAsideEntry {
  readonly eventId: string;
  readonly detailType: string;
  readonly tenantId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly version: number;
  /** The entry's size as EventBridge counts it (entrySize). */
  readonly bytes: number;
  /** The refusal: `EntryTooLarge`, or the error code EventBridge gave. */
  readonly reason: string;
  /** The entry itself (the outbox row keeps it too, for two days). */
  readonly entry: EventEntry;
}

/**
 * Where unpublishable change events go, so the stream goes on with the rest in order instead of
 * retrying one forever: the DLQ (through a rule on the bus) in AWS, a JSON-lines file locally.
 */
export interface DeadLetterSink {
  /** Records the entries; throws when it could not (the stream then retries the batch). */
  setAside(entries: readonly SetAsideEntry[]): Promise<void>;
}
