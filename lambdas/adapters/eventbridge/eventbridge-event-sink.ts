import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventEntry } from '../../events/entries';
import type { EventEntryFailure, EventSink } from '../../operations/publishing/event-sink';

/** Sends change events to one EventBridge bus with PutEvents. */
export class EventBridgeEventSink implements EventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async putEvents(entries: readonly EventEntry[]): Promise<readonly EventEntryFailure[]> {
    if (entries.length === 0) return [];
    const output = await this.client.send(
      new PutEventsCommand({ Entries: entries.map((entry) => ({ ...entry, EventBusName: this.eventBusName })) }),
    );
    if (!output.FailedEntryCount) return [];
    // Result entries line up with the request's; a failed one carries ErrorCode instead of EventId.
    const results = output.Entries ?? [];
    return entries.flatMap((_entry, index) => {
      const result = results[index];
      if (result?.EventId && !result.ErrorCode) return [];
      return [
        {
          index,
          errorCode: result?.ErrorCode ?? 'Unknown',
          ...(result?.ErrorMessage ? { errorMessage: result.ErrorMessage } : {}),
        },
      ];
    });
  }
}
