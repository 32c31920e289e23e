/**
 * The event catalog's facts, written once: the envelope every change event shares and what each
 * detail type adds. The JSON Schema files beside this one are generated from it
 * (`npm run events:schemas`, lambdas/events/schema-document.ts) and a contract test fails when a
 * file and its definition differ (test/contracts/event-schemas.test.ts).
 */
import { REMOVALS_HELD_DETAIL_TYPE } from './source';

/**
 * Most members one `Group Members Added` / `Removed` event lists (the schemas' `maxItems`): every
 * membership transaction stays within it, so a larger change is several events.
 */
export const MEMBERS_PER_EVENT = 95;

/** What an event too large for one EventBridge entry leaves out, in this order (`truncated`). */
/** The fields every event's detail has, in the order consumers see them (the optional parts follow). */
export const EVENT_FIELDS = [
  'eventId',
  'detailType',
  'schemaVersion',
  'tenantId',
  'resourceType',
  'resourceId',
  'version',
  'occurredAt',
  'requestId',
  'changedAttributes',
  'previous',
  'snapshot',
] as const;

export const TRUNCATABLE_PARTS = ['previous', 'snapshot', 'profile'] as const;

export type SnapshotKind = 'user' | 'group' | 'deleted' | 'tenant';

/** What one version of a detail type's schema says beyond the envelope. */
export interface EventVersionDefinition {
  readonly version: number;
  /** The schema's description after "The `detail` of a `<type>` event (source `scim.directory`). ". */
  readonly description: string;
  /** The `version` field's description (its meaning changed for groups in v2). */
  readonly versionDescription: string;
}

export interface EventDefinition {
  readonly detailType: string;
  readonly resourceType: 'User' | 'Group' | 'Tenant';
  readonly snapshot: SnapshotKind;
  /** Membership events require `members`. */
  readonly membership: boolean;
  /** Every published version, oldest first; the last is the one events carry now. */
  readonly versions: readonly EventVersionDefinition[];
}

const PER_CHANGE_VERSION =
  "The resource's meta.version after the change: increases by one per change, so order per resource is knowable.";

/**
 * v2 of the group events (the write path where concurrent membership changes commute,
 * docs/events.md "Ordering"): versions are reserved before a membership transaction commits.
 */
const GROUP_VERSION_V2 =
  'The group\'s meta.version after the change: unique per group and increasing, but it may skip numbers (a membership write reserves its version before it commits, and a version reserved by a write that then changed nothing is never used). Attribute changes of one group commit in version order; for one member of a group, a higher version is always the later change; membership changes of different members commute, so their order does not matter. See docs/events.md "Ordering".';

const user = (detailType: string, description: string, snapshot: SnapshotKind = 'user'): EventDefinition => ({
  detailType,
  resourceType: 'User',
  snapshot,
  membership: false,
  versions: [{ version: 1, description, versionDescription: PER_CHANGE_VERSION }],
});

const group = (
  detailType: string,
  v1: string,
  v2?: string,
  snapshot: SnapshotKind = 'group',
  membership = false,
): EventDefinition => ({
  detailType,
  resourceType: 'Group',
  snapshot,
  membership,
  versions: [
    { version: 1, description: v1, versionDescription: PER_CHANGE_VERSION },
    ...(v2 === undefined ? [] : [{ version: 2, description: v2, versionDescription: GROUP_VERSION_V2 }]),
  ],
});

const tenant = (detailType: string, description: string, versionDescription = PER_CHANGE_VERSION): EventDefinition => ({
  detailType,
  resourceType: 'Tenant',
  snapshot: 'tenant',
  membership: false,
  versions: [{ version: 1, description, versionDescription }],
});

const V2_CHANGE =
  ' v2: `version` may skip numbers and orders membership changes per member (docs/events.md "Ordering").';

export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
  user(
    'User Created',
    'The user was provisioned. `snapshot` is the user as stored; `changedAttributes` lists every attribute it was created with. See docs/events.md.',
  ),
  user(
    'User Updated',
    'Attributes of the user changed (not `active`). `changedAttributes` names them, `previous` holds their old values. See docs/events.md.',
  ),
  user(
    'User Deactivated',
    '`active` became false (Entra soft delete, or a PATCH active False). The user still exists. See docs/events.md.',
  ),
  user('User Reactivated', '`active` became true again. See docs/events.md.'),
  user('User Deleted', 'The user was deleted (Entra hard delete). `snapshot` is null. See docs/events.md.', 'deleted'),
  group(
    'Group Created',
    `The group was provisioned; \`members.added\` lists the members created with it (at most ${MEMBERS_PER_EVENT} per event). See docs/events.md.`,
  ),
  group(
    'Group Updated',
    'Attributes of the group changed (e.g. a rename: `changedAttributes` contains `displayName`). See docs/events.md.',
    `Attributes of the group changed (e.g. a rename: \`changedAttributes\` contains \`displayName\`). See docs/events.md.${V2_CHANGE}`,
  ),
  group(
    'Group Members Added',
    `Members were added; \`members.added\` lists them (at most ${MEMBERS_PER_EVENT} per event; a larger change is split into several events, each with its own version). See docs/events.md.`,
    `Members were added; \`members.added\` lists them (at most ${MEMBERS_PER_EVENT} per event; a larger change is split into several events, each with its own version). See docs/events.md.${V2_CHANGE}`,
    'group',
    true,
  ),
  group(
    'Group Members Removed',
    `Members were removed; \`members.removed\` lists them (at most ${MEMBERS_PER_EVENT} per event). See docs/events.md.`,
    `Members were removed; \`members.removed\` lists them (at most ${MEMBERS_PER_EVENT} per event). See docs/events.md.${V2_CHANGE}`,
    'group',
    true,
  ),
  group(
    'Group Deleted',
    'The group was deleted. `snapshot` is null. See docs/events.md.',
    `The group was deleted. \`snapshot\` is null. See docs/events.md.${V2_CHANGE}`,
    'deleted',
  ),
  tenant(
    'Tenant Disconnected',
    'The tenant disconnected SCIM provisioning: every account becomes a manual, user-editable account. See docs/events.md.',
  ),
  tenant(
    'Tenant Reconnected',
    'The tenant reconnected SCIM provisioning: directory-owned fields are directory-owned again. See docs/events.md.',
  ),
  tenant(
    REMOVALS_HELD_DETAIL_TYPE,
    "The tenant's accidental-deletion guard started holding user removals: more deletes and deactivations came within its window than its limit allows. Until an admin releases them (their events are then published, in order) or rejects them (the users are restored, with no events), the held removals publish nothing. `snapshot` holds the hold's id, its start, the limit and the removal that tripped it. See docs/removal-guard.md.",
    "The hold's number for this tenant: 1 for its first hold, then one more per hold.",
  ),
];

/** The schema file of one version of a detail type: `group-members-added.v2.json`. */
export function schemaFileName(detailType: string, version: number): string {
  return `${detailType.toLowerCase().replace(/ /g, '-')}.v${version}.json`;
}

/** The schema version events of this detail type carry now. */
export function currentSchemaVersion(detailType: string): number {
  const definition = EVENT_DEFINITIONS.find((candidate) => candidate.detailType === detailType);
  const last = definition?.versions.at(-1);
  if (!last) throw new Error(`No event definition for ${detailType}`);
  return last.version;
}
