import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { StoredResource } from '../../operations/ports';
import { CommitFailure, type MemberType, type WritePlan } from '../../operations/writes/write-plan';
import type { WriteStore } from '../../operations/ports';
import { batchDeleteItems } from './batch';
import { fromResourceItem } from './codec';
import { translateStorageError } from './errors';
import { groupKey, membersPartition, memberOfPartition, membershipKey, userKey } from './keys';
import { forEachQueryPage, indexSortKeys } from './query';
import { commitFailureOf, transactionInput } from './transactions';

function resourceKey(tenantId: string, resourceType: MemberType, id: string) {
  return resourceType === 'User' ? userKey(tenantId, id) : groupKey(tenantId, id);
}

/**
 * The one write path over the single table (docs/data-model.md "Write path"): plans are committed
 * transaction by transaction; failures come back as typed CommitFailures with their cause.
 */
export class DynamoWriteStore implements WriteStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async commit(plan: WritePlan): Promise<void> {
    for (const [index, transaction] of plan.transactions.entries()) {
      if (transaction.writes.length === 0) continue;
      try {
        await this.client.send(new TransactWriteCommand(transactionInput(this.tableName, plan.tenantId, transaction)));
      } catch (error) {
        throw commitFailureOf(error, transaction.writes, index) ?? this.untyped(error);
      }
    }
  }

  async reserveVersions(
    tenantId: string,
    groupId: string,
    count: number,
    at: string,
    expectedVersion?: number,
  ): Promise<number> {
    const expected = expectedVersion === undefined ? '' : ' AND #version = :expected';
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: groupKey(tenantId, groupId),
          UpdateExpression: 'SET lastModified = :at ADD #version :count',
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#deleting)${expected}`,
          ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
          ExpressionAttributeValues: {
            ':count': count,
            ':at': at,
            ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.version) - count + 1;
    } catch (error) {
      throw await this.conditionFailure(error, 'Group', tenantId, groupId);
    }
  }

  async beginDelete(
    tenantId: string,
    resourceType: MemberType,
    id: string,
    expectedVersion?: number,
  ): Promise<StoredResource> {
    const expected =
      expectedVersion === undefined ? '' : ' AND #version = :expected AND attribute_not_exists(#deleting)';
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: resourceKey(tenantId, resourceType, id),
          UpdateExpression: 'SET #deleting = :true ADD #version :one',
          ConditionExpression: `attribute_exists(pk)${expected}`,
          ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
          ExpressionAttributeValues: {
            ':true': true,
            ':one': 1,
            ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromResourceItem(Attributes ?? {});
    } catch (error) {
      throw await this.conditionFailure(error, resourceType, tenantId, id);
    }
  }

  async sweepMemberships(
    tenantId: string,
    target: { readonly memberId: string } | { readonly groupId: string },
  ): Promise<void> {
    try {
      if ('memberId' in target) {
        const groupIds = await indexSortKeys(
          this.client,
          this.tableName,
          TABLE.lookups.memberOf,
          memberOfPartition(tenantId, target.memberId),
        );
        await batchDeleteItems(
          this.client,
          this.tableName,
          groupIds.map((groupId) => membershipKey(tenantId, groupId, target.memberId)),
        );
        return;
      }
      await forEachQueryPage(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': membersPartition(tenantId, target.groupId) },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
        },
        (items) =>
          batchDeleteItems(
            this.client,
            this.tableName,
            items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
          ),
      );
    } catch (error) {
      throw commitFailureOf(error, []) ?? this.untyped(error);
    }
  }

  /** A failed single-item condition: gone (or being deleted) reads as notFound, anything else as a version conflict. */
  private async conditionFailure(
    error: unknown,
    resourceType: MemberType,
    tenantId: string,
    id: string,
  ): Promise<unknown> {
    if ((error as { name?: string })?.name !== 'ConditionalCheckFailedException')
      return commitFailureOf(error, []) ?? this.untyped(error);
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: resourceKey(tenantId, resourceType, id), ConsistentRead: true }),
    );
    const gone = !Item || Item.deleting === true;
    return new CommitFailure(
      gone ? 'notFound' : 'versionConflict',
      `${resourceType} "${id}" ${gone ? 'is gone' : 'changed'}.`,
      { cause: error },
    );
  }

  /** Errors with no typed meaning: key-size refusals become the client's 400, the rest a 500 (errors.ts). */
  private untyped(error: unknown): unknown {
    try {
      translateStorageError(error);
    } catch (translated) {
      return translated;
    }
  }
}
