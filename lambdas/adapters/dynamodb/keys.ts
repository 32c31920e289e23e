import { TENANT_KEY_PREFIX, tenantPartitionKey } from '../../contracts/partitions';
import { TABLE } from '../../contracts/table';
import { foldCase } from '../../scim/resources/fold-case';

/**
 * Key builders: each reads like the key it builds (STYLE.md). Every partition key starts with
 * `TENANT#<tenantId>` (docs/data-model.md). Case-insensitive values (userName, work email, group
 * displayName) are keyed lower-cased and NFC-normalised, so "Alice@X" and "alice@x" collide.
 */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export function tenantPrefix(tenantId: string): string {
  return `${TENANT_KEY_PREFIX}${tenantId}`;
}

export { foldCase };

export function tenantKey(tenantId: string): ItemKey {
  return { pk: tenantPrefix(tenantId), sk: 'TENANT' };
}

export function userKey(tenantId: string, userId: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'users'), sk: userId };
}

/** The item whose existence makes userName unique per tenant (written in the create transaction). */
export function userNameMarkerKey(tenantId: string, userName: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'userNames'), sk: foldCase(userName) };
}

export function userExternalIdIndexKey(tenantId: string, externalId: string, userId: string): Record<string, string> {
  const index = TABLE.lookups.externalId;
  return { [index.partitionKey]: userExternalIdPartition(tenantId, externalId), [index.sortKey]: userId };
}

export function userExternalIdPartition(tenantId: string, externalId: string): string {
  return `${tenantPrefix(tenantId)}#USER#EXTERNALID#${externalId}`;
}

export function userWorkEmailIndexKey(tenantId: string, email: string, userId: string): Record<string, string> {
  const index = TABLE.lookups.workEmail;
  return { [index.partitionKey]: userWorkEmailPartition(tenantId, email), [index.sortKey]: userId };
}

export function userWorkEmailPartition(tenantId: string, email: string): string {
  return `${tenantPrefix(tenantId)}#USER#WORKEMAIL#${foldCase(email)}`;
}

/** Outbox row of one change event; the sort key orders a tenant's events by time. */
export function eventKey(tenantId: string, occurredAt: string, eventId: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'events'), sk: `${occurredAt}#${eventId}` };
}

/**
 * A change held by the removal guard; the sort key orders held changes by time, and one user's
 * changes by version within a millisecond (a release publishes them in this order).
 */
export function heldChangeKey(tenantId: string, occurredAt: string, resourceId: string, version: number): ItemKey {
  return { pk: heldPartition(tenantId), sk: `${occurredAt}#${resourceId}#${String(version).padStart(12, '0')}` };
}

export function heldPartition(tenantId: string): string {
  return tenantPartitionKey(tenantId, 'heldChanges');
}

/** The tenant's removal guard: settings, the removal counters, the hold in force, the release/reject lock. */
export function guardKey(tenantId: string): ItemKey {
  return { pk: tenantPrefix(tenantId), sk: 'GUARD' };
}

/** The running count of a tenant's users or groups, kept in the create and delete transactions (totalResults). */
export function resourceCountKey(tenantId: string, resourceType: 'User' | 'Group'): ItemKey {
  return { pk: tenantPrefix(tenantId), sk: `COUNT#${resourceType.toUpperCase()}` };
}

export function groupKey(tenantId: string, groupId: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'groups'), sk: groupId };
}

export function groupExternalIdIndexKey(tenantId: string, externalId: string, groupId: string): Record<string, string> {
  const index = TABLE.lookups.externalId;
  return { [index.partitionKey]: groupExternalIdPartition(tenantId, externalId), [index.sortKey]: groupId };
}

export function groupExternalIdPartition(tenantId: string, externalId: string): string {
  return `${tenantPrefix(tenantId)}#GROUP#EXTERNALID#${externalId}`;
}

export function groupDisplayNameIndexKey(
  tenantId: string,
  displayName: string,
  groupId: string,
): Record<string, string> {
  const index = TABLE.lookups.displayName;
  return { [index.partitionKey]: groupDisplayNamePartition(tenantId, displayName), [index.sortKey]: groupId };
}

export function groupDisplayNamePartition(tenantId: string, displayName: string): string {
  return `${tenantPrefix(tenantId)}#GROUP#DISPLAYNAME#${foldCase(displayName)}`;
}

/** The partition holding one group's membership items. */
export function membersPartition(tenantId: string, groupId: string): string {
  return `${tenantPrefix(tenantId)}#GROUP#${groupId}`;
}

export const MEMBER_PREFIX = 'MEMBER#';

/** One (group, member) pair; its memberOf index entry answers "groups of this member". */
export function membershipKey(tenantId: string, groupId: string, memberId: string): ItemKey {
  return { pk: membersPartition(tenantId, groupId), sk: `${MEMBER_PREFIX}${memberId}` };
}

export function memberOfPartition(tenantId: string, memberId: string): string {
  return `${tenantPrefix(tenantId)}#MEMBEROF#${memberId}`;
}

export function membershipIndexKey(tenantId: string, groupId: string, memberId: string): Record<string, string> {
  const index = TABLE.lookups.memberOf;
  return { [index.partitionKey]: memberOfPartition(tenantId, memberId), [index.sortKey]: groupId };
}

/**
 * A tenant's provisioning log, newest last; the sort key orders entries by time. A committed change
 * adds `<resourceId>@<version>`, so each transaction of one request keeps its own entry.
 */
export function logKey(tenantId: string, at: string, requestId: string, change?: string): ItemKey {
  return {
    pk: logPartition(tenantId),
    sk: change === undefined ? `${at}#${requestId}` : `${at}#${requestId}#${change}`,
  };
}

export function logPartition(tenantId: string): string {
  return tenantPartitionKey(tenantId, 'log');
}

/** When a token was last used: kept apart from the tenant record so read routes never write the record. */
export function tokenUseKey(tenantId: string, tokenId: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'tokenUses'), sk: tokenId };
}

/** The tenant registry's partition (TABLE.lookups.tenantRegistry), for `scim-admin tenant list` without a Scan. */
export const TENANT_REGISTRY_PARTITION = 'TENANTS';

/** A seen assertion id (RFC 7523 `jti`), `id` being a digest of issuer and jti; TTL-deleted after its expiry. */
export function assertionReplayKey(tenantId: string, id: string): ItemKey {
  return { pk: tenantPartitionKey(tenantId, 'assertionIds'), sk: id };
}
