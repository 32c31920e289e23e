import { existsSync, readFileSync } from 'node:fs';
import type { ChangeEvent } from '../../lambdas/events/catalog';

/** One line of the local events file, as the publisher wrote it (docs/events.md "Local mode"). */
export interface Published {
  readonly Source: string;
  readonly DetailType: string;
  readonly detail: ChangeEvent;
}

export function readEvents(file: string): Published[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const entry = JSON.parse(line) as { Source: string; DetailType: string; Detail: string };
      return { Source: entry.Source, DetailType: entry.DetailType, detail: JSON.parse(entry.Detail) as ChangeEvent };
    });
}

/** Polls the events file until `done` holds or `timeoutMs` passed (the publisher polls the stream every 200 ms). */
export async function waitForEvents(
  file: string,
  done: (events: Published[]) => boolean,
  timeoutMs = 10_000,
): Promise<Published[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = readEvents(file);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
