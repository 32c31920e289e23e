import { currentSchemaVersion } from '../contracts/events/definitions';
import type { ScimObject } from '../scim/resources/normalize';

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
}

export interface EventInput {
  readonly detailType: DetailType;
  readonly tenantId: string;
  readonly resourceType: EventResourceType;
  readonly resourceId: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly requestId: string;
  readonly changedAttributes?: readonly string[];
  readonly previous?: ScimObject;
  readonly snapshot: ScimObject | null;
  readonly profile?: Readonly<Record<string, string | null>>;
  readonly members?: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

/**
 * Builds a change event. The id is derived from resource, version and detail type, so the same
 * change always carries the same id however often it is delivered.
 */
export function buildEvent(input: EventInput, sequence = 0): ChangeEvent {
  return {
    eventId: `${input.tenantId}:${input.resourceType}:${input.resourceId}:${input.version}:${input.detailType.replace(/ /g, '')}:${sequence}`,
    detailType: input.detailType,
    schemaVersion: currentSchemaVersion(input.detailType),
    tenantId: input.tenantId,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    version: input.version,
    occurredAt: input.occurredAt,
    requestId: input.requestId,
    changedAttributes: input.changedAttributes ?? [],
    previous: input.previous ?? {},
    snapshot: input.snapshot,
    ...(input.profile ? { profile: input.profile } : {}),
    ...(input.members ? { members: input.members } : {}),
  };
}
