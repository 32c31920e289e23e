import { TABLE } from '../../contracts/table';
import type { ChangeEvent } from '../../events/catalog';
import type { StoredResource } from '../../operations/ports';
import type { HeldChange } from '../../operations/writes/write-plan';
import type { ScimObject } from '../../scim/resources/normalize';
import { LOG_RETENTION_DAYS, logEntryOfEvent, type LogEntry } from '../../tenancy/provisioning-log';
import {
  eventKey,
  groupDisplayNameIndexKey,
  groupExternalIdIndexKey,
  groupKey,
  heldChangeKey,
  logKey,
  membershipIndexKey,
  membershipKey,
  userExternalIdIndexKey,
  userKey,
  userNameMarkerKey,
  userWorkEmailIndexKey,
  type ItemKey,
} from './keys';

/** How long an outbox row stays after its write; the stream has published it long before (24 h retention). */
export const EVENT_ROW_TTL_SECONDS = 2 * 24 * 3600;

export type Item = Record<string, unknown>;

/** The first work email's value, the key of `emails[type eq "work"].value eq …` lookups. */
export function workEmailOf(data: ScimObject): string | undefined {
  const emails = data.emails;
  if (!Array.isArray(emails)) return undefined;
  const work = emails.find(
    (email: unknown) => typeof email === 'object' && email !== null && (email as ScimObject).type === 'work',
  );
  const value = (work as ScimObject | undefined)?.value;
  return typeof value === 'string' ? value : undefined;
}

export function userNameOf(data: ScimObject): string {
  const userName = data.userName;
  if (typeof userName !== 'string') throw new Error('Stored user has no userName');
  return userName;
}

/** The attributes every user and group item has: its key, kind, and the resource's id, version, dates and data. */
function resourceItem(key: ItemKey, kind: string, resource: StoredResource): Item {
  const { id, version, created, lastModified, data } = resource;
  return { ...key, kind, id, version, created, lastModified, data };
}

export function toUserItem(tenantId: string, user: StoredResource): Item {
  const externalId = typeof user.data.externalId === 'string' ? user.data.externalId : undefined;
  const workEmail = workEmailOf(user.data);
  return {
    ...resourceItem(userKey(tenantId, user.id), TABLE.kinds.user, user),
    ...(user.userValues && Object.keys(user.userValues).length > 0 ? { userValues: user.userValues } : {}),
    ...(user.heldBy !== undefined ? { heldBy: user.heldBy } : {}),
    ...(externalId ? userExternalIdIndexKey(tenantId, externalId, user.id) : {}),
    ...(workEmail ? userWorkEmailIndexKey(tenantId, workEmail, user.id) : {}),
  };
}

export function toUserNameMarkerItem(tenantId: string, userName: string, userId: string): Item {
  return { ...userNameMarkerKey(tenantId, userName), kind: TABLE.kinds.userNameMarker, userId };
}

export function fromResourceItem(item: Item): StoredResource {
  return {
    id: String(item.id),
    version: Number(item.version),
    created: String(item.created),
    lastModified: String(item.lastModified),
    data: (item.data ?? {}) as ScimObject,
    ...(item.deleting === true ? { deleting: true } : {}),
    ...(item.userValues ? { userValues: item.userValues as Record<string, string | null> } : {}),
    ...(typeof item.heldBy === 'string' ? { heldBy: item.heldBy } : {}),
  };
}

/** The outbox row of one event: written in the same transaction as the change it reports. */
export function toEventItem(event: ChangeEvent): Item {
  return {
    ...eventKey(event.tenantId, event.occurredAt, event.eventId),
    kind: TABLE.kinds.event,
    detailType: event.detailType,
    detail: event,
    [TABLE.timeToLiveAttribute]: Math.floor(Date.parse(event.occurredAt) / 1000) + EVENT_ROW_TTL_SECONDS,
  };
}

/** The row of a change held by the removal guard: the event it will publish and what a reject restores. */
export function toHeldChangeItem(tenantId: string, held: HeldChange): Item {
  return {
    ...heldChangeKey(tenantId, held.event.occurredAt, held.event.resourceId, held.event.version),
    kind: TABLE.kinds.heldChange,
    holdId: held.holdId,
    operation: held.operation,
    event: held.event,
    before: held.before,
    ...(held.groupIds ? { groupIds: [...held.groupIds] } : {}),
  };
}

export function fromHeldChangeItem(item: Item): HeldChange {
  return {
    holdId: String(item.holdId),
    operation: item.operation as HeldChange['operation'],
    event: item.event as ChangeEvent,
    before: fromResourceItem(item.before as Item),
    ...(Array.isArray(item.groupIds) ? { groupIds: item.groupIds.map(String) } : {}),
  };
}

export function toGroupItem(tenantId: string, group: StoredResource): Item {
  const externalId = typeof group.data.externalId === 'string' ? group.data.externalId : undefined;
  const displayName = typeof group.data.displayName === 'string' ? group.data.displayName : undefined;
  return {
    ...resourceItem(groupKey(tenantId, group.id), TABLE.kinds.group, group),
    ...(externalId ? groupExternalIdIndexKey(tenantId, externalId, group.id) : {}),
    ...(displayName ? groupDisplayNameIndexKey(tenantId, displayName, group.id) : {}),
  };
}

/** The attributes of a (group, member) item in either state; `rev` is the group version of the change. */
function membershipItem(
  tenantId: string,
  groupId: string,
  memberId: string,
  state: 'present' | 'removed',
  rev: number,
) {
  return { ...membershipKey(tenantId, groupId, memberId), kind: TABLE.kinds.membership, groupId, memberId, state, rev };
}

/**
 * One (group, member) item; its memberOf index entry makes the membership findable from the
 * member's side. `rev` is the group version of the change that added it (docs/data-model.md "Write path").
 */
export function toMembershipItem(tenantId: string, groupId: string, memberId: string, rev: number): Item {
  return {
    ...membershipItem(tenantId, groupId, memberId, 'present', rev),
    ...membershipIndexKey(tenantId, groupId, memberId),
  };
}

/**
 * How long the tombstone of a removed membership stays: far longer than any write can be in flight
 * (the function timeout is 10 s), so a stale add can never overtake a newer removal.
 */
export const MEMBERSHIP_TOMBSTONE_TTL_SECONDS = 3600;

/**
 * The tombstone a removal leaves: no memberOf index entry (so "groups of a user" never sees it), the version of
 * the removal, and a TTL after which DynamoDB deletes it. Reads skip tombstones (isPresentMembership).
 */
export function toMembershipTombstone(
  tenantId: string,
  groupId: string,
  memberId: string,
  rev: number,
  now = Date.now(),
): Item {
  return {
    ...membershipItem(tenantId, groupId, memberId, 'removed', rev),
    [TABLE.timeToLiveAttribute]: Math.floor(now / 1000) + MEMBERSHIP_TOMBSTONE_TTL_SECONDS,
  };
}

/** Is this membership item a present member (not the tombstone of a removal)? */
export function isPresentMembership(item: Item): boolean {
  return item.state !== 'removed';
}

export function toLogItem(entry: LogEntry): Item {
  return {
    ...logKey(
      entry.tenantId,
      entry.at,
      entry.requestId,
      entry.resourceId !== undefined && entry.version !== undefined
        ? `${entry.resourceId}@${entry.version}`
        : undefined,
    ),
    kind: TABLE.kinds.log,
    ...entry,
    [TABLE.timeToLiveAttribute]: Math.floor(Date.parse(entry.at) / 1000) + LOG_RETENTION_DAYS * 24 * 3600,
  };
}

export function fromLogItem(item: Item): LogEntry {
  const { pk: _pk, sk: _sk, kind: _kind, [TABLE.timeToLiveAttribute]: _ttl, ...entry } = item;
  return entry as unknown as LogEntry;
}

/** The rows a tenant-record change writes in its own transaction: its events and one log entry. */
export function outboxItems(tableName: string, events: readonly ChangeEvent[]) {
  const first = events[0];
  return [
    ...events.map((event) => ({ Put: { TableName: tableName, Item: toEventItem(event) } })),
    ...(first ? [{ Put: { TableName: tableName, Item: toLogItem(logEntryOfEvent(first)) } }] : []),
  ];
}
