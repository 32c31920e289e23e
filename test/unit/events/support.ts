import { marshall } from '@aws-sdk/util-dynamodb';
import { toEventItem } from '../../../lambdas/adapters/dynamodb/codec';
import { buildEvent, type ChangeEvent, type DetailType } from '../../../lambdas/events/catalog';
import type { StreamRecord } from '../../../lambdas/events/stream-records';
import { normalizeResource } from '../../../lambdas/scim/resources/normalize';
import { renderResource } from '../../../lambdas/scim/resources/render';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from '../../../lambdas/scim/schema/attributes';
import entraCreateUser from '../../fixtures/entra/create-user.json';
import { GROUP_SCHEMA } from '../../../lambdas/scim/schema/urns';

const TENANT_URL = 'https://scim.example/scim/v2/acme';
const AT = '2026-11-24T10:00:00.000Z';

/** Entra's create-user body as the store keeps it, rendered like a GET (the snapshot events carry). */
export function userSnapshot(id: string, version: number, overrides: Record<string, unknown> = {}) {
  const data = { ...normalizeResource(entraCreateUser, USER_RESOURCE_TYPE), ...overrides };
  return renderResource(USER_RESOURCE_TYPE, { id, version, created: AT, lastModified: AT }, data, TENANT_URL);
}

export function groupSnapshot(id: string, version: number, displayName = 'Sales') {
  const data = normalizeResource({ schemas: [GROUP_SCHEMA], displayName, externalId: 'sales' }, GROUP_RESOURCE_TYPE);
  return renderResource(GROUP_RESOURCE_TYPE, { id, version, created: AT, lastModified: AT }, data, TENANT_URL);
}

/** Ids shaped like the store's (UUIDs), for membership events. */
export function memberIds(count: number): string[] {
  return Array.from(
    { length: count },
    (_unused, index) => `${String(index).padStart(8, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
  );
}

/** A realistic event of each detail type, as the operations build them. */
export function sampleEvents(): Record<DetailType, ChangeEvent> {
  const base = { tenantId: 'acme', occurredAt: AT, requestId: 'c0ffee00-0000-4000-8000-000000000001' };
  const user = { ...base, resourceType: 'User' as const, resourceId: 'u-1' };
  const group = { ...base, resourceType: 'Group' as const, resourceId: 'g-1' };
  const tenant = { ...base, resourceType: 'Tenant' as const, resourceId: 'acme' };
  return {
    'User Created': buildEvent({
      ...user,
      detailType: 'User Created',
      version: 1,
      changedAttributes: ['userName', 'active', 'emails'],
      snapshot: userSnapshot('u-1', 1),
    }),
    'User Updated': buildEvent({
      ...user,
      detailType: 'User Updated',
      version: 2,
      changedAttributes: ['title'],
      previous: { title: 'Engineer' },
      snapshot: userSnapshot('u-1', 2, { title: 'Lead' }),
      profile: { displayName: 'Alice Example', title: 'Lead', mobilePhone: null },
    }),
    'User Deactivated': buildEvent({
      ...user,
      detailType: 'User Deactivated',
      version: 3,
      changedAttributes: ['active'],
      previous: { active: true },
      snapshot: userSnapshot('u-1', 3, { active: false }),
    }),
    'User Reactivated': buildEvent({
      ...user,
      detailType: 'User Reactivated',
      version: 4,
      changedAttributes: ['active'],
      previous: { active: false },
      snapshot: userSnapshot('u-1', 4),
    }),
    'User Deleted': buildEvent({ ...user, detailType: 'User Deleted', version: 5, snapshot: null }),
    'Group Created': buildEvent({
      ...group,
      detailType: 'Group Created',
      version: 1,
      changedAttributes: ['displayName', 'externalId', 'members'],
      snapshot: groupSnapshot('g-1', 1),
      members: { added: memberIds(3), removed: [] },
    }),
    'Group Updated': buildEvent({
      ...group,
      detailType: 'Group Updated',
      version: 2,
      changedAttributes: ['displayName'],
      previous: { displayName: 'Sales' },
      snapshot: groupSnapshot('g-1', 2, 'Sales EMEA'),
    }),
    'Group Members Added': buildEvent({
      ...group,
      detailType: 'Group Members Added',
      version: 3,
      changedAttributes: ['members'],
      snapshot: groupSnapshot('g-1', 3),
      members: { added: memberIds(95), removed: [] },
    }),
    'Group Members Removed': buildEvent({
      ...group,
      detailType: 'Group Members Removed',
      version: 4,
      changedAttributes: ['members'],
      snapshot: groupSnapshot('g-1', 4),
      members: { added: [], removed: memberIds(95) },
    }),
    'Group Deleted': buildEvent({ ...group, detailType: 'Group Deleted', version: 5, snapshot: null }),
    'Tenant Disconnected': buildEvent({
      ...tenant,
      detailType: 'Tenant Disconnected',
      version: 2,
      changedAttributes: ['scimConnected'],
      snapshot: { tenantId: 'acme', scimConnected: false },
    }),
    'Tenant Reconnected': buildEvent({
      ...tenant,
      detailType: 'Tenant Reconnected',
      version: 3,
      changedAttributes: ['scimConnected'],
      snapshot: { tenantId: 'acme', scimConnected: true },
    }),
    'Removals Held': buildEvent({
      ...tenant,
      detailType: 'Removals Held',
      version: 1,
      changedAttributes: ['hold'],
      snapshot: {
        holdId: 'h-1',
        since: AT,
        limit: 500,
        window: '1h',
        trigger: { resourceType: 'User', resourceId: 'u-1', operation: 'delete' },
      },
    }),
  };
}

/** The stream record DynamoDB writes for an item (Lambda's and the Streams API's shape). */
export function streamRecord(
  item: Record<string, unknown>,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
  sequenceNumber = '1',
): StreamRecord {
  return {
    eventName,
    dynamodb: { SequenceNumber: sequenceNumber, NewImage: marshall(item, { removeUndefinedValues: true }) },
  };
}

/** The stream record of an event's outbox row, exactly as the store writes it. */
export function outboxRecord(event: ChangeEvent, sequenceNumber = '1'): StreamRecord {
  return streamRecord(toEventItem(event), 'INSERT', sequenceNumber);
}
