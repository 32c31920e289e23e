import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { ChangeEvent } from '../../events/catalog';
import {
  MEMBERS_PER_TRANSACTION,
  type GroupLookupKey,
  type GroupStore,
  type MembershipWrite,
  type PageStart,
  type ResourcePage,
  type StoredResource,
} from '../../operations/ports';
import { ScimError } from '../../scim/errors';
import { batchDeleteItems, batchGetItems, chunks } from './batch';
import { fromResourceItem, outboxItems, toGroupItem, toMembershipItem } from './codec';
import { countUpdate } from './directory-store';
import { cancellationCodes, translateStorageError } from './errors';
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
import { PartitionPages } from './partition-pages';
import { forEachQueryPage, indexSortKeys, queryItems } from './query';

const LOOKUP_LIMIT = 100;

type MemberChange = { readonly id: string; readonly add: boolean };

/** GroupStore over the single table: one item per membership (docs/data-model.md). */
export class DynamoGroupStore implements GroupStore {
  private readonly pages: PartitionPages;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.pages = new PartitionPages(client, tableName);
  }

  async createGroup(tenantId: string, group: StoredResource, members: readonly string[], events: readonly ChangeEvent[]): Promise<void> {
    if (members.length > MEMBERS_PER_TRANSACTION) throw new Error(`createGroup takes at most ${MEMBERS_PER_TRANSACTION} members`);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: toGroupItem(tenantId, group), ConditionExpression: 'attribute_not_exists(pk)' } },
            countUpdate(this.tableName, tenantId, 'Group', 1),
            ...members.map((memberId) => ({ Put: { TableName: this.tableName, Item: toMembershipItem(tenantId, group.id, memberId) } })),
            ...this.eventPuts(events),
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw ScimError.conflict(`A group with id "${group.id}" already exists.`);
      translateStorageError(error);
    }
  }

  async getGroup(tenantId: string, id: string): Promise<StoredResource | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: groupKey(tenantId, id), ConsistentRead: true }));
      return Item ? fromResourceItem(Item) : undefined;
    } catch (error) {
      translateStorageError(error);
    }
  }

  async getGroups(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    try {
      return (await batchGetItems(this.client, this.tableName, unique.map((id) => groupKey(tenantId, id)))).map(fromResourceItem);
    } catch (error) {
      translateStorageError(error);
    }
  }

  async findGroupIds(tenantId: string, key: GroupLookupKey, value: string): Promise<string[]> {
    const index = key === 'externalId' ? TABLE.indexes.byExternalId : TABLE.indexes.byName;
    const partition = key === 'externalId' ? groupExternalIdPartition(tenantId, value) : groupDisplayNamePartition(tenantId, value);
    try {
      return await this.indexIds(index, partition, LOOKUP_LIMIT);
    } catch (error) {
      translateStorageError(error);
    }
  }

  async listGroups(tenantId: string, start: PageStart, limit: number): Promise<ResourcePage> {
    try {
      return await this.pages.page(groupKey(tenantId, '').pk, start, limit);
    } catch (error) {
      translateStorageError(error);
    }
  }

  async listMembers(tenantId: string, groupId: string, limit: number, afterId?: string): Promise<string[]> {
    try {
      const items = await queryItems(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': membersPartition(tenantId, groupId) },
          ProjectionExpression: 'sk',
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
      const items = await batchGetItems(this.client, this.tableName, unique.map((id) => membershipKey(tenantId, groupId, id)));
      return new Set(items.map((item) => String(item.memberId)));
    } catch (error) {
      translateStorageError(error);
    }
  }

  async groupsOf(tenantId: string, memberId: string): Promise<string[]> {
    try {
      return await this.indexIds(TABLE.indexes.byExternalId, memberOfPartition(tenantId, memberId), Number.POSITIVE_INFINITY);
    } catch (error) {
      translateStorageError(error);
    }
  }

  async existingMembers(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    try {
      const users = await batchGetItems(this.client, this.tableName, unique.map((id) => userKey(tenantId, id)));
      const found = new Set(users.map((item) => String(item.id)));
      const rest = unique.filter((id) => !found.has(id));
      const groups = await batchGetItems(this.client, this.tableName, rest.map((id) => groupKey(tenantId, id)));
      for (const item of groups) found.add(String(item.id));
      return found;
    } catch (error) {
      translateStorageError(error);
    }
  }

  async updateGroup(
    tenantId: string,
    before: StoredResource,
    after: StoredResource,
    members: MembershipWrite,
    eventsFor: (chunk: { readonly version: number; readonly add: readonly string[]; readonly remove: readonly string[]; readonly first: boolean }) => ChangeEvent[],
  ): Promise<number> {
    const changes: MemberChange[] = [...members.add.map((id) => ({ id, add: true })), ...members.remove.map((id) => ({ id, add: false }))];
    const batches = changes.length > 0 ? chunks(changes, MEMBERS_PER_TRANSACTION) : [[]];
    let version = before.version;
    for (const [index, batch] of batches.entries()) {
      const first = index === 0;
      const next = version + 1;
      const add = batch.filter((change) => change.add).map((change) => change.id);
      const remove = batch.filter((change) => !change.add).map((change) => change.id);
      const groupWrite = first
        ? {
            Put: {
              TableName: this.tableName,
              Item: toGroupItem(tenantId, { ...after, version: next }),
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': version },
            },
          }
        : {
            Update: {
              TableName: this.tableName,
              Key: groupKey(tenantId, before.id),
              UpdateExpression: 'SET #version = :next, lastModified = :now',
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': version, ':next': next, ':now': after.lastModified },
            },
          };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              groupWrite,
              ...add.map((memberId) => ({ Put: { TableName: this.tableName, Item: toMembershipItem(tenantId, before.id, memberId) } })),
              ...remove.map((memberId) => ({ Delete: { TableName: this.tableName, Key: membershipKey(tenantId, before.id, memberId) } })),
              ...this.eventPuts(eventsFor({ version: next, add, remove, first })),
            ],
          }),
        );
      } catch (error) {
        if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') {
          throw ScimError.preconditionFailed(`Group "${before.id}" changed since version ${version}; read it again and retry.`);
        }
        translateStorageError(error);
      }
      version = next;
    }
    return version;
  }

  async deleteGroup(tenantId: string, group: StoredResource, events: readonly ChangeEvent[]): Promise<void> {
    try {
      // Memberships first (its members, and the group's own place in other groups): a crash in
      // between leaves the group in place for the client's retry to finish.
      await forEachQueryPage(
        this.client,
        { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': membersPartition(tenantId, group.id) }, ProjectionExpression: 'pk, sk' },
        (items) => batchDeleteItems(this.client, this.tableName, items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }))),
      );
      const parents = await this.indexIds(TABLE.indexes.byExternalId, memberOfPartition(tenantId, group.id), Number.POSITIVE_INFINITY);
      await batchDeleteItems(this.client, this.tableName, parents.map((parentId) => membershipKey(tenantId, parentId, group.id)));

      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: groupKey(tenantId, group.id),
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': group.version },
              },
            },
            countUpdate(this.tableName, tenantId, 'Group', -1),
            ...this.eventPuts(events),
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') {
        throw ScimError.preconditionFailed(`Group "${group.id}" changed while it was being deleted; read it again and retry.`);
      }
      translateStorageError(error);
    }
  }

  private indexIds(index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string }, partition: string, limit: number): Promise<string[]> {
    return indexSortKeys(this.client, this.tableName, index, partition, limit);
  }

  private eventPuts(events: readonly ChangeEvent[]) {
    return outboxItems(this.tableName, events);
  }

}
