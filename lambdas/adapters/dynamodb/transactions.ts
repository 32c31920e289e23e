import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  CommitFailure,
  type CommitFailureReason,
  type Expected,
  type PlannedTransaction,
  type Write,
} from '../../operations/writes/write-plan';
import {
  toEventItem,
  toGroupItem,
  toHeldChangeItem,
  toLogItem,
  toMembershipItem,
  toMembershipTombstone,
  toUserItem,
  toUserNameMarkerItem,
} from './codec';
import { groupKey, heldChangeKey, resourceCountKey, userKey, userNameMarkerKey } from './keys';
import { isThrottling, isTransient, keyTooLarge } from './errors';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attribute names the conditions use (`#version` etc.), written once. */
const NAMES = { version: '#version', deleting: '#deleting', state: '#state', rev: '#rev' } as const;

/** The state a tombstone of a removed membership carries (codec.toMembershipTombstone). */
export const REMOVED = 'removed';

function resourceKey(tenantId: string, resourceType: 'User' | 'Group', id: string) {
  return resourceType === 'User' ? userKey(tenantId, id) : groupKey(tenantId, id);
}

interface Condition {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

function expectation(expected: Expected): Condition {
  switch (expected.kind) {
    case 'absent':
      return { ConditionExpression: 'attribute_not_exists(pk)' };
    case 'version':
      return {
        ConditionExpression: `${NAMES.version} = :version AND attribute_not_exists(${NAMES.deleting})`,
        ExpressionAttributeNames: { [NAMES.version]: 'version', [NAMES.deleting]: 'deleting' },
        ExpressionAttributeValues: { ':version': expected.version },
      };
    case 'deleting':
      return {
        ConditionExpression: `attribute_exists(${NAMES.deleting})`,
        ExpressionAttributeNames: { [NAMES.deleting]: 'deleting' },
      };
  }
}

/** The one TransactWriteItems entry of a write (pure: unit-tested without DynamoDB). */
export function transactItemOf(tableName: string, tenantId: string, write: Write): TransactItem {
  const TableName = tableName;
  switch (write.type) {
    case 'putResource': {
      const Item =
        write.resourceType === 'User' ? toUserItem(tenantId, write.resource) : toGroupItem(tenantId, write.resource);
      return { Put: { TableName, Item, ...expectation(write.expected) } };
    }
    case 'deleteResource':
      return {
        Delete: { TableName, Key: resourceKey(tenantId, write.resourceType, write.id), ...expectation(write.expected) },
      };
    case 'claimUserName':
      return {
        Put: {
          TableName,
          Item: toUserNameMarkerItem(tenantId, write.userName, write.userId),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    case 'releaseUserName':
      return { Delete: { TableName, Key: userNameMarkerKey(tenantId, write.userName) } };
    case 'countResources':
      return {
        Update: {
          TableName,
          Key: resourceCountKey(tenantId, write.resourceType),
          UpdateExpression: 'ADD #count :delta SET kind = :kind',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':delta': write.delta, ':kind': 'count' },
        },
      };
    case 'addMember':
      // New, or a tombstone of an older removal: a membership only moves forward in version.
      return {
        Put: {
          TableName,
          Item: toMembershipItem(tenantId, write.groupId, write.memberId, write.rev),
          ConditionExpression: `attribute_not_exists(pk) OR (${NAMES.state} = :removed AND ${NAMES.rev} < :rev)`,
          ExpressionAttributeNames: { [NAMES.state]: 'state', [NAMES.rev]: 'rev' },
          ExpressionAttributeValues: { ':removed': REMOVED, ':rev': write.rev },
        },
      };
    case 'removeMember':
      // Present (items written before tombstones existed carry no state and no rev) and older.
      return {
        Put: {
          TableName,
          Item: toMembershipTombstone(tenantId, write.groupId, write.memberId, write.rev),
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(${NAMES.state}) OR ${NAMES.state} <> :removed) AND (attribute_not_exists(${NAMES.rev}) OR ${NAMES.rev} < :rev)`,
          ExpressionAttributeNames: { [NAMES.state]: 'state', [NAMES.rev]: 'rev' },
          ExpressionAttributeValues: { ':removed': REMOVED, ':rev': write.rev },
        },
      };
    case 'memberExists':
      return {
        ConditionCheck: {
          TableName,
          Key: resourceKey(tenantId, write.memberType, write.memberId),
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(${NAMES.deleting})`,
          ExpressionAttributeNames: { [NAMES.deleting]: 'deleting' },
        },
      };
    case 'event':
      return { Put: { TableName, Item: toEventItem(write.event) } };
    case 'holdEvent':
      return {
        Put: {
          TableName,
          Item: toHeldChangeItem(tenantId, write.held),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    case 'dropHeld': {
      const { event } = write.held;
      return {
        Delete: {
          TableName,
          Key: heldChangeKey(tenantId, event.occurredAt, event.resourceId, event.version),
          ConditionExpression: 'attribute_exists(pk)',
        },
      };
    }
    case 'restoreMember':
      // Absent, or the tombstone of a removal: the user's delete swept it without an event.
      return {
        Put: {
          TableName,
          Item: toMembershipItem(tenantId, write.groupId, write.memberId, write.rev),
          ConditionExpression: `attribute_not_exists(pk) OR ${NAMES.state} = :removed`,
          ExpressionAttributeNames: { [NAMES.state]: 'state' },
          ExpressionAttributeValues: { ':removed': REMOVED },
        },
      };
    case 'log':
      return { Put: { TableName, Item: toLogItem(write.entry) } };
  }
}

/** The TransactWriteItems input of one planned transaction: one entry per write, in order. */
export function transactionInput(
  tableName: string,
  tenantId: string,
  transaction: PlannedTransaction,
): TransactWriteCommandInput {
  return { TransactItems: transaction.writes.map((write) => transactItemOf(tableName, tenantId, write)) };
}

/** What a failed condition on this write means. */
function conditionReason(write: Write): CommitFailureReason {
  switch (write.type) {
    case 'putResource':
    case 'deleteResource':
      if (write.expected.kind === 'absent') return 'alreadyExists';
      return write.expected.kind === 'deleting' ? 'notFound' : 'versionConflict';
    case 'claimUserName':
      return 'uniqueConflict';
    case 'memberExists':
      return 'memberMissing';
    case 'addMember':
    case 'removeMember':
    case 'restoreMember':
      return 'memberStateChanged';
    case 'dropHeld':
      return 'notFound';
    case 'holdEvent':
      return 'alreadyExists';
    default:
      return 'transactionConflict';
  }
}

interface AwsLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly CancellationReasons?: readonly { readonly Code?: string; readonly Message?: string }[];
}

/**
 * Reads a failed TransactWriteItems call against the writes it carried: each cancellation reason is
 * matched to its write by index, so "the userName marker" is the write of type `claimUserName`,
 * wherever it stands. Returns undefined for errors that are not the storage's to explain.
 */
export function commitFailureOf(error: unknown, writes: readonly Write[], transaction = 0): CommitFailure | undefined {
  const candidate = error as AwsLikeError;
  const reasons = candidate?.name === 'TransactionCanceledException' ? (candidate.CancellationReasons ?? []) : [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  if (isThrottling(candidate?.name ?? '') || codes.some((code) => isThrottling(code) || code === 'ThrottlingError')) {
    return new CommitFailure('throttled', 'The table is throttling writes.', { cause: error, transaction });
  }
  if (keyTooLarge(error)) return undefined;
  const failed = codes.indexOf('ConditionalCheckFailed');
  const write = writes[failed];
  if (failed >= 0 && write) {
    const reason = conditionReason(write);
    return new CommitFailure(reason, `The condition of a ${write.type} write failed (${reason}).`, {
      cause: error,
      write,
      transaction,
    });
  }
  if (candidate?.name === 'TransactionConflictException' || codes.includes('TransactionConflict')) {
    return new CommitFailure('transactionConflict', 'Another transaction held one of the items.', {
      cause: error,
      transaction,
    });
  }
  if (isTransient(candidate?.name ?? '') || (candidate?.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new CommitFailure('unavailable', 'The table is briefly unavailable.', { cause: error, transaction });
  }
  return undefined;
}
