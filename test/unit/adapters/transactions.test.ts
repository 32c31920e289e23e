import { commitFailureOf, transactionInput, transactItemOf } from '../../../lambdas/adapters/dynamodb/transactions';
import type { Write } from '../../../lambdas/operations/writes/write-plan';
import { storedResource } from '../../support/memory-ports';

const user = storedResource('u1', { userName: 'ada@contoso.example' }, { version: 2 });
const canceled = (codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

// The keys below are spelled out on purpose: they pin the physical item format the table holds
// (docs/data-model.md), which the key builders in keys.ts must keep; built with keys.ts they could not fail.
describe('transaction builders: a write plan as TransactWriteItems input (no DynamoDB needed)', () => {
  it('writes one entry per write, in order', () => {
    const writes: Write[] = [
      { type: 'putResource', resourceType: 'User', resource: user, expected: { kind: 'version', version: 1 } },
      { type: 'claimUserName', userName: 'Ada@Contoso.example', userId: 'u1' },
      { type: 'releaseUserName', userName: 'old@contoso.example' },
      { type: 'countResources', resourceType: 'User', delta: 1 },
    ];

    const input = transactionInput('table', 'acme', { writes });

    expect(input.TransactItems).toHaveLength(4);
    expect(input.TransactItems?.[0]?.Put).toMatchObject({
      Item: { pk: 'TENANT#acme#USER', sk: 'u1', version: 2 },
      ConditionExpression: '#version = :version AND attribute_not_exists(#deleting)',
      ExpressionAttributeValues: { ':version': 1 },
    });
    expect(input.TransactItems?.[1]?.Put?.Item).toMatchObject({
      pk: 'TENANT#acme#USERNAME',
      sk: 'ada@contoso.example',
      userId: 'u1',
    });
    expect(input.TransactItems?.[1]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input.TransactItems?.[2]?.Delete?.Key).toEqual({ pk: 'TENANT#acme#USERNAME', sk: 'old@contoso.example' });
    expect(input.TransactItems?.[3]?.Update?.Key).toEqual({ pk: 'TENANT#acme', sk: 'COUNT#USER' });
  });

  it('conditions a membership add on being new or newer than a removal, and leaves the gsi1 entry that finds it from the member', () => {
    const item = transactItemOf('table', 'acme', { type: 'addMember', groupId: 'g1', memberId: 'u1', rev: 7 });

    expect(item.Put?.ConditionExpression).toBe('attribute_not_exists(pk) OR (#state = :removed AND #rev < :rev)');
    expect(item.Put?.ExpressionAttributeValues).toEqual({ ':removed': 'removed', ':rev': 7 });
    expect(item.Put?.Item).toMatchObject({
      pk: 'TENANT#acme#GROUP#g1',
      sk: 'MEMBER#u1',
      state: 'present',
      rev: 7,
      gsi1pk: 'TENANT#acme#MEMBEROF#u1',
      gsi1sk: 'g1',
    });
  });

  it('turns a removal into a tombstone without gsi1 entry, conditional on the membership being present and older', () => {
    const item = transactItemOf('table', 'acme', { type: 'removeMember', groupId: 'g1', memberId: 'u1', rev: 8 });

    expect(item.Put?.Item).toMatchObject({ sk: 'MEMBER#u1', state: 'removed', rev: 8 });
    expect(item.Put?.Item).not.toHaveProperty('gsi1pk');
    expect(item.Put?.Item?.expiresAt).toEqual(expect.any(Number));
    expect(item.Put?.ConditionExpression).toContain('#rev < :rev');
  });

  it("checks that an added member exists and is not being deleted, on the member's own item", () => {
    const item = transactItemOf('table', 'acme', { type: 'memberExists', memberType: 'Group', memberId: 'g2' });

    expect(item.ConditionCheck).toMatchObject({
      Key: { pk: 'TENANT#acme#GROUP', sk: 'g2' },
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#deleting)',
    });
  });

  describe('commitFailureOf: a cancellation reason maps to the write at its index', () => {
    const writes: Write[] = [
      { type: 'putResource', resourceType: 'User', resource: user, expected: { kind: 'absent' } },
      { type: 'countResources', resourceType: 'User', delta: 1 },
      { type: 'claimUserName', userName: 'ada@contoso.example', userId: 'u1' },
      { type: 'memberExists', memberType: 'User', memberId: 'u9' },
    ];

    it.each([
      [['ConditionalCheckFailed', 'None', 'None', 'None'], 'alreadyExists', 'putResource'],
      [['None', 'None', 'ConditionalCheckFailed', 'None'], 'uniqueConflict', 'claimUserName'],
      [['None', 'None', 'None', 'ConditionalCheckFailed'], 'memberMissing', 'memberExists'],
    ])('%j → %s (%s)', (codes, reason, type) => {
      const error = canceled(codes);

      const failure = commitFailureOf(error, writes, 2);

      expect(failure?.reason).toBe(reason);
      expect(failure?.write?.type).toBe(type);
      expect(failure?.cause).toBe(error);
      expect(failure?.transaction).toBe(2);
    });

    it('types throttling, transaction conflicts and transient faults, keeping the cause', () => {
      const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      const unavailable = Object.assign(new Error('oops'), { name: 'InternalServerError' });

      expect(commitFailureOf(throttled, writes)?.reason).toBe('throttled');
      expect(commitFailureOf(canceled(['None', 'TransactionConflict']), writes)?.reason).toBe('transactionConflict');
      expect(commitFailureOf(canceled(['ThrottlingError']), writes)?.reason).toBe('throttled');
      expect(commitFailureOf(unavailable, writes)).toMatchObject({ reason: 'unavailable', cause: unavailable });
    });

    it("leaves errors that are not the storage's to explain untyped", () => {
      expect(commitFailureOf(new TypeError('bug'), writes)).toBeUndefined();
      expect(
        commitFailureOf(Object.assign(new Error('Key too long: 2048 bytes'), { name: 'ValidationException' }), writes),
      ).toBeUndefined();
    });
  });
});
