import { appendFile } from 'node:fs/promises';
import type { ChangeEvent } from '../../events/catalog';
import type { EventEntry } from '../../events/entries';
import type { EventEntryFailure, EventSink } from '../../operations/publishing/event-sink';

/**
 * Local mode's event bus: appends each entry, as PutEvents would receive it ({Source, DetailType,
 * Detail}), as one line of a JSON-lines file, then reports it (the console, in `npm start`).
 */
export class JsonLinesEventSink implements EventSink {
  constructor(
    private readonly file: string,
    private readonly onEvent?: (entry: EventEntry) => void,
  ) {}

  async putEvents(entries: readonly EventEntry[]): Promise<readonly EventEntryFailure[]> {
    if (entries.length === 0) return [];
    const lines = entries.map(
      (entry) => `${JSON.stringify({ Source: entry.Source, DetailType: entry.DetailType, Detail: entry.Detail })}\n`,
    );
    await appendFile(this.file, lines.join(''));
    for (const entry of entries) this.onEvent?.(entry);
    return [];
  }
}

/** One console line per event: `event  User Created  demo/User/<id> v1  <eventId>`. */
export function describeEventEntry(entry: EventEntry): string {
  const event = JSON.parse(entry.Detail) as ChangeEvent;
  const changed = event.changedAttributes.length > 0 ? ` [${event.changedAttributes.join(', ')}]` : '';
  return `event  ${entry.DetailType}  ${event.tenantId}/${event.resourceType}/${event.resourceId} v${event.version}${changed}  ${event.eventId}`;
}
