import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeDeadLetterSink } from '../../../lambdas/adapters/eventbridge/eventbridge-dead-letter-sink';
import { EventBridgeEventSink } from '../../../lambdas/adapters/eventbridge/eventbridge-event-sink';
import { SET_ASIDE_DETAIL_TYPE, SET_ASIDE_SOURCE } from '../../../lambdas/contracts/events/source';
import type { SetAsideEntry } from '../../../lambdas/operations/publishing/event-sink';
import { buildEvent, type ChangeEvent, type EventInput } from '../../../lambdas/events/catalog';
import { toEventItem } from '../../../lambdas/adapters/dynamodb/codec';
import { publishChanges, PublishFailedError } from '../../../lambdas/operations/publishing/publish-changes';
import { outboxRecord, streamRecord, userSnapshot } from './support';

const BUS = 'scim-events';
const eventBridge = mockClient(EventBridgeClient);

/** A change event of user `resourceId` of tenant acme: `User Created` at version 1 unless `input` says otherwise. */
function userEvent(resourceId: string, input: Partial<EventInput> = {}): ChangeEvent {
  return buildEvent({
    detailType: 'User Created',
    tenantId: 'acme',
    resourceType: 'User',
    resourceId,
    version: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    requestId: 'r',
    changedAttributes: ['userName'],
    snapshot: userSnapshot(resourceId, 1),
    ...input,
  });
}

function userEvents(count: number): ChangeEvent[] {
  return Array.from({ length: count }, (_unused, index) => userEvent(`u-${index}`));
}

/** EventBridge accepts every entry of every call. */
const acceptEveryEntry = () =>
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_entry, index) => ({ EventId: `id-${index}` })),
  }));

const eventIdsOf = (entries: readonly PutEventsRequestEntry[] | undefined) =>
  (entries ?? []).map((entry) => (JSON.parse(entry.Detail ?? '{}') as ChangeEvent).eventId);
const callEntries = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries);

describe('publishChanges over the EventBridge sink', () => {
  const sleeps: number[] = [];
  const setAside: SetAsideEntry[] = [];
  const deps = () => ({
    events: new EventBridgeEventSink(new EventBridgeClient({ region: 'us-east-1' }), BUS),
    deadLetters: { setAside: async (entries: readonly SetAsideEntry[]) => void setAside.push(...entries) },
    sleep: async (ms: number) => void sleeps.push(ms),
  });

  beforeEach(() => {
    eventBridge.reset();
    sleeps.length = 0;
    setAside.length = 0;
  });

  it('puts each outbox row once, 10 entries per call, on the bus with source scim.directory', async () => {
    const events = userEvents(23);
    acceptEveryEntry();

    const result = await publishChanges(
      events.map((event, index) => outboxRecord(event, String(index + 1))),
      deps(),
    );

    expect(result).toEqual({ published: 23, setAside: 0, skipped: 0 });
    expect(callEntries().map((entries) => entries?.length)).toEqual([10, 10, 3]);
    expect(callEntries().flatMap(eventIdsOf)).toEqual(events.map((event) => event.eventId));
    expect(callEntries()[0]?.[0]).toEqual({
      EventBusName: BUS,
      Source: 'scim.directory',
      DetailType: 'User Created',
      Detail: JSON.stringify(events[0]),
    });
  });

  it('retries exactly the entries EventBridge refused, with growing backoff', async () => {
    const events = userEvents(5);
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
          { ErrorCode: 'InternalFailure' },
          { EventId: 'e' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'b' }, { ErrorCode: 'InternalFailure' }] })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'd' }] });

    const result = await publishChanges(
      events.map((event) => outboxRecord(event)),
      deps(),
    );

    expect(result.published).toBe(5);
    expect(callEntries().map(eventIdsOf)).toEqual([
      events.map((event) => event.eventId),
      [events[1]!.eventId, events[3]!.eventId],
      [events[3]!.eventId],
    ]);
    expect(sleeps).toEqual([100, 200]);
  });

  it('throws after the last attempt so the stream redelivers the batch, naming the refused event', async () => {
    const [event] = userEvents(1);
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }] });

    const publishing = publishChanges([outboxRecord(event!)], deps(), { maxAttempts: 3 });

    await expect(publishing).rejects.toThrow(PublishFailedError);
    await expect(publishing).rejects.toThrow(`${event!.eventId}: AccessDeniedException (no)`);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('lets a failed call (not a refused entry) fail the invocation', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('network down'));

    await expect(publishChanges([outboxRecord(userEvents(1)[0]!)], deps())).rejects.toThrow('network down');
  });

  it('skips records that are not outbox inserts and calls nothing for them', async () => {
    const [event] = userEvents(1);

    const result = await publishChanges([streamRecord(toEventItem(event!), 'REMOVE')], deps());

    expect(result).toEqual({ published: 0, setAside: 0, skipped: 1 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sets an event over 256 KB aside without calling EventBridge for it, and publishes the events around it in order', async () => {
    const [before, after] = userEvents(2);
    // Built without buildEvent's cap: an outbox row written before the cap existed.
    const huge: ChangeEvent = {
      ...userEvent('u', { detailType: 'User Updated', version: 2, changedAttributes: [], snapshot: null }),
      snapshot: userSnapshot('u', 2, { title: 'x'.repeat(300 * 1024) }),
    };
    acceptEveryEntry();

    const result = await publishChanges(
      [outboxRecord(before!, '1'), outboxRecord(huge, '2'), outboxRecord(after!, '3')],
      deps(),
    );

    expect(result).toEqual({ published: 2, setAside: 1, skipped: 0 });
    expect(callEntries().flatMap(eventIdsOf)).toEqual([before!.eventId, after!.eventId]);
    expect(setAside.map((entry) => [entry.eventId, entry.reason])).toEqual([[huge.eventId, 'EntryTooLarge']]);
    expect(setAside[0]!.bytes).toBeGreaterThan(256 * 1024);
  });

  it('sets aside an entry EventBridge refuses as malformed at once (no retry), and retries only the transient refusals', async () => {
    const events = userEvents(3);
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' },
          { ErrorCode: 'ThrottlingException' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'c' }] });

    const result = await publishChanges(
      events.map((event) => outboxRecord(event)),
      deps(),
    );

    expect(result).toEqual({ published: 2, setAside: 1, skipped: 0 });
    expect(setAside.map((entry) => [entry.eventId, entry.reason])).toEqual([[events[1]!.eventId, 'MalformedDetail']]);
    expect(callEntries().map(eventIdsOf)).toEqual([events.map((event) => event.eventId), [events[2]!.eventId]]);
  });
});

describe('EventBridgeDeadLetterSink: set-aside references for the DLQ rule', () => {
  beforeEach(() => eventBridge.reset());

  it('puts a reference (identity, size, reason) with the set-aside source, never the event itself', async () => {
    const [event] = userEvents(1);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const entry = { Source: 'scim.directory', DetailType: 'User Created', Detail: JSON.stringify(event) };

    await new EventBridgeDeadLetterSink(new EventBridgeClient({ region: 'us-east-1' }), BUS).setAside([
      {
        eventId: event!.eventId,
        detailType: 'User Created',
        tenantId: 'acme',
        resourceType: 'User',
        resourceId: 'u-0',
        version: 1,
        bytes: 300_000,
        reason: 'EntryTooLarge',
        entry,
      },
    ]);

    const [sent] = callEntries()[0] ?? [];
    expect(sent).toMatchObject({ EventBusName: BUS, Source: SET_ASIDE_SOURCE, DetailType: SET_ASIDE_DETAIL_TYPE });
    expect(JSON.parse(sent?.Detail ?? '{}')).toEqual({
      eventId: event!.eventId,
      detailType: 'User Created',
      tenantId: 'acme',
      resourceType: 'User',
      resourceId: 'u-0',
      version: 1,
      bytes: 300_000,
      reason: 'EntryTooLarge',
    });
  });

  it('throws when EventBridge refuses a reference, so the stream retries rather than losing it', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const entry = { Source: 'scim.directory', DetailType: 'User Created', Detail: '{}' };

    const setting = new EventBridgeDeadLetterSink(new EventBridgeClient({ region: 'us-east-1' }), BUS).setAside([
      {
        eventId: 'e',
        detailType: 'User Created',
        tenantId: 'acme',
        resourceType: 'User',
        resourceId: 'u',
        version: 1,
        bytes: 2,
        reason: 'EntryTooLarge',
        entry,
      },
    ]);

    await expect(setting).rejects.toThrow(/not accepted/);
  });
});
