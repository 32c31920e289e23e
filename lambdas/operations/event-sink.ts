import type { EventEntry } from '../events/entries';

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
