import { TABLE } from '../../contracts/table';
import type { GroupLookupKey, GroupStore, PageStart, ResourcePage, StoredResource } from '../../operations/ports';
import type { MemberType } from '../../operations/writes/write-plan';
import { batchGetItems } from './batch';
import { fromResourceItem, isPresentMembership } from './codec';
import { translateStorageError } from './errors';
import {
  groupDisplayNamePartition,
  groupExternalIdPartition,
  groupKey,
  MEMBER_PREFIX,
  memberOfPartition,
  membersPartition,
  membershipKey,
  userKey,
} from './keys';
import { ResourceReads } from './resource-reads';
import { queryItems } from './query';

/** GroupStore over the single table: one item per membership (docs/data-model.md). */
export class DynamoGroupStore extends ResourceReads implements GroupStore {
  async getGroup(tenantId: string, id: string): Promise<StoredResource | undefined> {
    return this.one(groupKey(tenantId, id));
  }

  async getGroups(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    return this.many(ids, (id) => groupKey(tenantId, id));
  }

  async findGroupIds(tenantId: string, key: GroupLookupKey, value: string): Promise<string[]> {
    return key === 'externalId'
      ? this.indexIds(TABLE.lookups.externalId, groupExternalIdPartition(tenantId, value))
      : this.indexIds(TABLE.lookups.displayName, groupDisplayNamePartition(tenantId, value));
  }

  async listGroups(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage> {
    return this.page(groupKey(tenantId, '').pk, start, limit);
  }

  async listMembers(tenantId: string, groupId: string, limit: number, afterId?: string): Promise<string[]> {
    try {
      const items = await queryItems(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': membersPartition(tenantId, groupId), ':removed': 'removed' },
          // Tombstones of removed members (codec.toMembershipTombstone) are not members.
          FilterExpression: 'attribute_not_exists(#state) OR #state <> :removed',
          ProjectionExpression: 'sk',
          ExpressionAttributeNames: { '#state': 'state' },
          ConsistentRead: true,
          ...(afterId !== undefined ? { ExclusiveStartKey: membershipKey(tenantId, groupId, afterId) } : {}),
        },
        limit,
      );
      return items.map((item) => String(item.sk).slice(MEMBER_PREFIX.length));
    } catch (error) {
      translateStorageError(error);
    }
  }

  async presentMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(memberIds)];
    try {
      const items = await batchGetItems(
        this.client,
        this.tableName,
        unique.map((id) => membershipKey(tenantId, groupId, id)),
      );
      return new Set(items.filter(isPresentMembership).map((item) => String(item.memberId)));
    } catch (error) {
      translateStorageError(error);
    }
  }

  async getGroupWithMembership(
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
  ): Promise<{ group?: StoredResource; present: Set<string> }> {
    const unique = [...new Set(memberIds)];
    const groupItemKey = groupKey(tenantId, groupId);
    try {
      const items = await batchGetItems(this.client, this.tableName, [
        groupItemKey,
        ...unique.map((id) => membershipKey(tenantId, groupId, id)),
      ]);
      const groupItem = items.find((item) => item.pk === groupItemKey.pk && item.sk === groupItemKey.sk);
      const present = new Set(
        items.filter((item) => item !== groupItem && isPresentMembership(item)).map((item) => String(item.memberId)),
      );
      return { ...(groupItem ? { group: fromResourceItem(groupItem) } : {}), present };
    } catch (error) {
      translateStorageError(error);
    }
  }

  async groupsOf(tenantId: string, memberId: string): Promise<string[]> {
    return this.indexIds(TABLE.lookups.memberOf, memberOfPartition(tenantId, memberId), Number.POSITIVE_INFINITY);
  }

  async existingMembers(tenantId: string, ids: readonly string[]): Promise<Map<string, MemberType>> {
    const unique = [...new Set(ids)];
    const alive = (item: Record<string, unknown>) => item.deleting !== true;
    try {
      const found = new Map<string, MemberType>();
      const users = await batchGetItems(
        this.client,
        this.tableName,
        unique.map((id) => userKey(tenantId, id)),
      );
      for (const item of users.filter(alive)) found.set(String(item.id), 'User');
      const rest = unique.filter((id) => !found.has(id) && !users.some((item) => item.id === id));
      const groups = await batchGetItems(
        this.client,
        this.tableName,
        rest.map((id) => groupKey(tenantId, id)),
      );
      for (const item of groups.filter(alive)) found.set(String(item.id), 'Group');
      return found;
    } catch (error) {
      translateStorageError(error);
    }
  }
}
