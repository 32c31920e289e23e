/**
 * The event catalog's contract: one JSON Schema (draft 2020-12) per detail type and version, for the
 * `detail` of the event. The CDK stack registers them with the EventBridge schema registry; tests
 * validate built events against them. A new version is a new file beside the old one.
 */
import groupCreated from './group-created.v1.json';
import groupDeletedV1 from './group-deleted.v1.json';
import groupDeleted from './group-deleted.v2.json';
import groupMembersAddedV1 from './group-members-added.v1.json';
import groupMembersAdded from './group-members-added.v2.json';
import groupMembersRemovedV1 from './group-members-removed.v1.json';
import groupMembersRemoved from './group-members-removed.v2.json';
import groupUpdatedV1 from './group-updated.v1.json';
import groupUpdated from './group-updated.v2.json';
import removalsHeld from './removals-held.v1.json';
import tenantDisconnected from './tenant-disconnected.v1.json';
import tenantReconnected from './tenant-reconnected.v1.json';
import userCreated from './user-created.v1.json';
import userDeactivated from './user-deactivated.v1.json';
import userDeleted from './user-deleted.v1.json';
import userReactivated from './user-reactivated.v1.json';
import userUpdated from './user-updated.v1.json';

export { EVENT_SOURCE } from './source';

export interface EventSchema {
  readonly detailType: string;
  readonly version: number;
  /** File name in this folder. */
  readonly file: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** Every published schema, older versions included (consumers still on them keep finding them in the registry). */
export const EVENT_SCHEMAS: readonly EventSchema[] = [
  { detailType: 'User Created', version: 1, file: 'user-created.v1.json', schema: userCreated },
  { detailType: 'User Updated', version: 1, file: 'user-updated.v1.json', schema: userUpdated },
  { detailType: 'User Deactivated', version: 1, file: 'user-deactivated.v1.json', schema: userDeactivated },
  { detailType: 'User Reactivated', version: 1, file: 'user-reactivated.v1.json', schema: userReactivated },
  { detailType: 'User Deleted', version: 1, file: 'user-deleted.v1.json', schema: userDeleted },
  { detailType: 'Group Created', version: 1, file: 'group-created.v1.json', schema: groupCreated },
  { detailType: 'Group Updated', version: 1, file: 'group-updated.v1.json', schema: groupUpdatedV1 },
  { detailType: 'Group Updated', version: 2, file: 'group-updated.v2.json', schema: groupUpdated },
  { detailType: 'Group Members Added', version: 1, file: 'group-members-added.v1.json', schema: groupMembersAddedV1 },
  { detailType: 'Group Members Added', version: 2, file: 'group-members-added.v2.json', schema: groupMembersAdded },
  {
    detailType: 'Group Members Removed',
    version: 1,
    file: 'group-members-removed.v1.json',
    schema: groupMembersRemovedV1,
  },
  {
    detailType: 'Group Members Removed',
    version: 2,
    file: 'group-members-removed.v2.json',
    schema: groupMembersRemoved,
  },
  { detailType: 'Group Deleted', version: 1, file: 'group-deleted.v1.json', schema: groupDeletedV1 },
  { detailType: 'Group Deleted', version: 2, file: 'group-deleted.v2.json', schema: groupDeleted },
  { detailType: 'Tenant Disconnected', version: 1, file: 'tenant-disconnected.v1.json', schema: tenantDisconnected },
  { detailType: 'Tenant Reconnected', version: 1, file: 'tenant-reconnected.v1.json', schema: tenantReconnected },
  { detailType: 'Removals Held', version: 1, file: 'removals-held.v1.json', schema: removalsHeld },
];

/** The schema of each detail type that events carry now (the newest version). */
export const CURRENT_EVENT_SCHEMAS: readonly EventSchema[] = EVENT_SCHEMAS.filter(
  (entry) => !EVENT_SCHEMAS.some((other) => other.detailType === entry.detailType && other.version > entry.version),
);
