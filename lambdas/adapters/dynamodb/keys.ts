import { TABLE } from '../../contracts/table';

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
  return `TENANT#${tenantId}`;
}

/** Folds a case-insensitive value for use in a key. */
export function foldCase(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

export function tenantKey(tenantId: string): ItemKey {
  return { pk: tenantPrefix(tenantId), sk: 'TENANT' };
}

export function userKey(tenantId: string, userId: string): ItemKey {
  return { pk: `${tenantPrefix(tenantId)}#USER`, sk: userId };
}

/** The item whose existence makes userName unique per tenant (written in the create transaction). */
export function userNameMarkerKey(tenantId: string, userName: string): ItemKey {
  return { pk: `${tenantPrefix(tenantId)}#USERNAME`, sk: foldCase(userName) };
}

export function userExternalIdIndexKey(tenantId: string, externalId: string, userId: string): Record<string, string> {
  const index = TABLE.indexes.byExternalId;
  return { [index.partitionKey]: `${tenantPrefix(tenantId)}#USER#EXTERNALID#${externalId}`, [index.sortKey]: userId };
}

export function userWorkEmailIndexKey(tenantId: string, email: string, userId: string): Record<string, string> {
  const index = TABLE.indexes.byName;
  return { [index.partitionKey]: `${tenantPrefix(tenantId)}#USER#WORKEMAIL#${foldCase(email)}`, [index.sortKey]: userId };
}

/** Outbox row of one change event; the sort key orders a tenant's events by time. */
export function eventKey(tenantId: string, occurredAt: string, eventId: string): ItemKey {
  return { pk: `${tenantPrefix(tenantId)}#EVENT`, sk: `${occurredAt}#${eventId}` };
}
