/**
 * Graph delta pages (Graph "Use delta query to track changes"): a page carries `value` and either
 * `@odata.nextLink` (more pages) or `@odata.deltaLink` (the round is complete; keep it for the next
 * run). Parsing is strict, so a page that is not what Graph documents fails the run before it
 * changes anything. Pure.
 */
import { SyncError } from './errors';
import type { GraphObject } from './mapping';

export interface DeltaPage {
  readonly value: readonly GraphObject[];
  readonly nextLink?: string;
  readonly deltaLink?: string;
}

/** Parses one delta page's body. */
export function parseDeltaPage(body: string, url: string): DeltaPage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SyncError(
      'graphPageNotJson',
      `Graph answered ${pathOf(url)} with a body that is not JSON (${body.length} bytes): the run stopped before that page; the next run retries it.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { value?: unknown }).value)) {
    throw new SyncError(
      'graphPageInvalid',
      `Graph answered ${pathOf(url)} with JSON that has no "value" array: the run stopped before that page.`,
    );
  }
  const page = parsed as { value: unknown[]; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown };
  const nextLink = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
  const deltaLink = typeof page['@odata.deltaLink'] === 'string' ? page['@odata.deltaLink'] : undefined;
  if (nextLink === undefined && deltaLink === undefined) {
    throw new SyncError(
      'missingDeltaLink',
      `Graph's page of ${pathOf(url)} carries neither @odata.nextLink nor @odata.deltaLink: the run stopped before that page; the next run retries it.`,
    );
  }
  const value = page.value.filter(
    (item): item is GraphObject =>
      typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string',
  );
  if (value.length !== page.value.length)
    throw new SyncError(
      'graphPageInvalid',
      `Graph's page of ${pathOf(url)} holds objects without an "id": the run stopped before that page.`,
    );
  return { value, ...(nextLink !== undefined ? { nextLink } : {}), ...(deltaLink !== undefined ? { deltaLink } : {}) };
}

/** A URL without its query (delta tokens are credentials of a sort: they are never logged or shown). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

/** How Graph marks a removed object or member: `changed` (soft-deleted, restorable) or `deleted`. */
export function removedReason(object: Readonly<Record<string, unknown>>): 'changed' | 'deleted' | undefined {
  const removed = object['@removed'];
  if (typeof removed !== 'object' || removed === null) return undefined;
  return (removed as { reason?: unknown }).reason === 'deleted' ? 'deleted' : 'changed';
}
