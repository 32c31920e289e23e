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

/** Reads `read()` every 100 ms until `done` holds or `timeoutMs` passed; the last value either way, so the assertion explains a failure. */
export async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls the events file until `done` holds or `timeoutMs` passed (the publisher polls the stream every 200 ms). */
export function waitForEvents(
  file: string,
  done: (events: Published[]) => boolean,
  timeoutMs = 10_000,
): Promise<Published[]> {
  return eventually(() => readEvents(file), done, timeoutMs);
}

/** The change events of the file, in file order, that `keep` selects. */
export function changeEvents(file: string, keep: (event: ChangeEvent) => boolean): ChangeEvent[] {
  return readEvents(file)
    .map((entry) => entry.detail)
    .filter(keep);
}
