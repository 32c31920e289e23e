import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SET_ASIDE_DETAIL_TYPE, SET_ASIDE_SOURCE } from '../../contracts/events/source';
import type { DeadLetterSink, SetAsideEntry } from '../../operations/publishing/event-sink';

/**
 * Sets change events aside on AWS: puts a small reference to each (identity, size, reason; never the
 * event, which may be what was too large) on the bus, where a rule delivers it to the publisher's
 * dead-letter queue and its alarm fires (lib/constructs/change-events.ts). The outbox row keeps the
 * full event for two days (docs/events.md "Set aside").
 */
export class EventBridgeDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async setAside(entries: readonly SetAsideEntry[]): Promise<void> {
    // PutEvents takes 10 entries per call; each reference is a few hundred bytes.
    for (let start = 0; start < entries.length; start += 10) {
      const references = entries.slice(start, start + 10).map(({ entry: _entry, ...reference }) => ({
        EventBusName: this.eventBusName,
        Source: SET_ASIDE_SOURCE,
        DetailType: SET_ASIDE_DETAIL_TYPE,
        Detail: JSON.stringify(reference),
      }));
      const output = await this.client.send(new PutEventsCommand({ Entries: references }));
      if (output.FailedEntryCount) {
        throw new Error(
          `${output.FailedEntryCount} set-aside reference(s) not accepted by EventBridge; the stream retries the batch`,
        );
      }
    }
  }
}
