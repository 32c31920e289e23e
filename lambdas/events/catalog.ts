import { currentSchemaVersion, EVENT_FIELDS, TRUNCATABLE_PARTS } from '../contracts/events/definitions';
import type { ScimObject } from '../scim/resources/normalize';

import { EVENT_SOURCE as EVENT_SOURCE_NAME } from '../contracts/events/source';

/** EventBridge `source` of every change event (written once, in the contract). */
export { EVENT_SOURCE } from '../contracts/events/source';

/** The detail types of the event catalog (../shared/DESIGN.md "Events"; docs/events.md). */
export const DETAIL_TYPES = [
  'User Created',
  'User Updated',
  'User Deactivated',
  'User Reactivated',
  'User Deleted',
  'Group Created',
  'Group Updated',
  'Group Members Added',
  'Group Members Removed',
  'Group Deleted',
  'Tenant Disconnected',
  'Tenant Reconnected',
  'Removals Held',
] as const;

export type DetailType = (typeof DETAIL_TYPES)[number];

export type EventResourceType = 'User' | 'Group' | 'Tenant';

/** The `detail` of a change event: what consumers need without calling back into the table. */
export interface ChangeEvent {
  /** Unique and stable across redelivery: consumers drop duplicates by it. */
  readonly eventId: string;
  readonly detailType: DetailType;
  /** Version of this detail type's schema (lambdas/contracts/events/definitions.ts). */
  readonly schemaVersion: number;
  readonly tenantId: string;
  readonly resourceType: EventResourceType;
  readonly resourceId: string;
  /** The resource's version after the change: monotonic per resource, so stale updates are detectable. */
  readonly version: number;
  readonly occurredAt: string;
  readonly requestId: string;
  readonly changedAttributes: readonly string[];
  /** Previous values of the changed attributes (absent ones omitted). */
  readonly previous: ScimObject;
  /** The resource after the change (null after a delete). */
  readonly snapshot: ScimObject | null;
  /** A user's effective profile after the change, under the tenant's ownership policy (docs/ownership.md). */
  readonly profile?: Readonly<Record<string, string | null>>;
  /** Member ids this change added to or removed from a group (Group Members Added / Removed). */
  readonly members?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /**
   * The parts left out so the event fits one EventBridge entry (MAX_EVENT_ENTRY_BYTES), in the order
   * they were dropped; absent when the event is whole. A left-out `previous` is `{}`, a left-out
   * `snapshot` is null and a left-out `profile` is absent: read the full state by id (SCIM GET or
   * the profile API, docs/events.md "Size").
   */
  readonly truncated?: readonly TruncatedPart[];
}

/** What buildEvent may leave out of an oversized event, in the order it does so. */
export type TruncatedPart = (typeof TRUNCATABLE_PARTS)[number];
const TRUNCATION_ORDER: readonly TruncatedPart[] = TRUNCATABLE_PARTS;

/**
 * Most bytes an event's PutEvents entry (source + detail type + detail, UTF-8) may have. EventBridge
 * refuses entries over 256 KB (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html);
 * the margin covers the `truncated` list itself.
 */
export const MAX_EVENT_ENTRY_BYTES = 250 * 1024;

const encoder = new TextEncoder();

/** The UTF-8 size of an event's entry, as EventBridge counts it (lambdas/events/entries.ts entrySize). */
function entryBytes(event: ChangeEvent, source: string): number {
  return (
    encoder.encode(source).length +
    encoder.encode(event.detailType).length +
    encoder.encode(JSON.stringify(event)).length
  );
}

/**
 * Leaves out `previous`, then `snapshot`, then `profile` until the event fits MAX_EVENT_ENTRY_BYTES,
 * naming what it left out in `truncated`. What remains (ids, version, changed attribute names, at
 * most 95 member ids) is a few KB, so every event fits.
 */
export function fitToEntry(event: ChangeEvent, source: string = EVENT_SOURCE_NAME): ChangeEvent {
  let fitted = event;
  const truncated: TruncatedPart[] = [];
  for (const part of TRUNCATION_ORDER) {
    if (entryBytes(fitted, source) <= MAX_EVENT_ENTRY_BYTES) break;
    truncated.push(part);
    if (part === 'previous') fitted = { ...fitted, previous: {}, truncated: [...truncated] };
    else if (part === 'snapshot') fitted = { ...fitted, snapshot: null, truncated: [...truncated] };
    else {
      const { profile: _dropped, ...rest } = fitted;
      fitted = { ...rest, truncated: [...truncated] };
    }
  }
  return fitted;
}

/** What buildEvent is given: an event without its derived id, schema version and truncation. */
export type EventInput = Omit<
  ChangeEvent,
  'eventId' | 'schemaVersion' | 'truncated' | 'changedAttributes' | 'previous'
> &
  Partial<Pick<ChangeEvent, 'changedAttributes' | 'previous'>>;

/** An event whose lists and maps may be missing (a stream image drops empty ones). */
export type EventFields = Omit<ChangeEvent, 'changedAttributes' | 'previous' | 'snapshot'> &
  Partial<Pick<ChangeEvent, 'changedAttributes' | 'previous' | 'snapshot'>>;

/** Every event field lambdas/contracts/events/definitions.ts orders is a ChangeEvent field. */
const CATALOG_ORDER = EVENT_FIELDS satisfies readonly (keyof ChangeEvent)[];

/**
 * An event with its fields in the catalog's order (consumers and tests see one order, whatever order
 * a stream image comes back in), missing lists and maps as empty ones and no undefined optional part.
 */
export function inCatalogOrder(event: EventFields): ChangeEvent {
  const ordered: Record<string, unknown> = {};
  for (const name of CATALOG_ORDER) ordered[name] = event[name];
  ordered.changedAttributes = event.changedAttributes ?? [];
  ordered.previous = event.previous ?? {};
  ordered.snapshot = event.snapshot ?? null;
  for (const [name, value] of Object.entries(event))
    if (!(name in ordered) && value !== undefined) ordered[name] = value;
  return ordered as unknown as ChangeEvent;
}

/**
 * Builds a change event. The id is derived from resource, version and detail type, so the same
 * change always carries the same id however often it is delivered.
 */
export function buildEvent(input: EventInput, sequence = 0): ChangeEvent {
  return fitToEntry(
    inCatalogOrder({
      ...input,
      eventId: `${input.tenantId}:${input.resourceType}:${input.resourceId}:${input.version}:${input.detailType.replace(/ /g, '')}:${sequence}`,
      schemaVersion: currentSchemaVersion(input.detailType),
    }),
  );
}
