import { toEventItem, toUserItem } from '../../../lambdas/adapters/dynamodb/codec';
import { changeEventOf, isPublishable, matchesPattern } from '../../../lambdas/events/stream-records';
import { PUBLISHABLE_RECORD_PATTERN } from '../../../lambdas/contracts/events/stream-filter';
import { storedResource } from '../../support/memory-ports';
import { outboxRecord, sampleEvents, streamRecord } from './support';

describe('Stream records the publisher takes: inserts of outbox rows only', () => {
  const event = sampleEvents()['User Updated'];

  it('takes the insert of an outbox row and reads back the very event the store wrote', () => {
    const record = outboxRecord(event);

    expect(isPublishable(record)).toBe(true);
    expect(changeEventOf(record)).toEqual(event);
  });

  it.each(['REMOVE', 'MODIFY'] as const)('skips a %s of an outbox row (TTL expiry is a REMOVE)', (eventName) => {
    const record = streamRecord(toEventItem(event), eventName);

    expect(isPublishable(record)).toBe(false);
  });

  it('skips the insert of a user item', () => {
    const record = streamRecord(toUserItem('acme', storedResource('u-1', { userName: 'a@b.c' })));

    expect(isPublishable(record)).toBe(false);
  });

  it('restores the empty previous DynamoDB Local leaves out of stream images', () => {
    const created = sampleEvents()['User Created'];
    const { previous: _previous, ...withoutPrevious } = created;
    const record = streamRecord({ ...toEventItem(created), detail: withoutPrevious });

    expect(changeEventOf(record)).toEqual(created);
  });

  it('refuses an event row without a change event in it', () => {
    const record = streamRecord({ ...toEventItem(event), detail: { eventId: 'e' } });

    expect(() => changeEventOf(record)).toThrow(/holds no change event/);
  });
});

describe('matchesPattern: exact-value EventBridge patterns', () => {
  it.each([
    [{ a: 'x' }, { a: ['x', 'y'] }, true],
    [{ a: 'z' }, { a: ['x', 'y'] }, false],
    [{ a: { b: { S: 'event' } } }, { a: { b: { S: ['event'] } } }, true],
    [{ a: {} }, { a: { b: { S: ['event'] } } }, false],
    [{}, PUBLISHABLE_RECORD_PATTERN, false],
  ])('%j against %j is %s', (value, pattern, expected) => {
    expect(matchesPattern(value, pattern)).toBe(expected);
  });
});
