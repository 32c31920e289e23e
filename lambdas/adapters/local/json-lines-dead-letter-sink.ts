import { appendFile } from 'node:fs/promises';
import type { DeadLetterSink, SetAsideEntry } from '../../operations/publishing/event-sink';

/**
 * Local mode's dead-letter queue: appends each set-aside change event (reason, identity, size and the
 * entry itself) as one line of a JSON-lines file beside the events file, then reports it.
 */
export class JsonLinesDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly file: string,
    private readonly onSetAside?: (entry: SetAsideEntry) => void,
  ) {}

  async setAside(entries: readonly SetAsideEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await appendFile(this.file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    for (const entry of entries) this.onSetAside?.(entry);
  }
}
