import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import Ajv2020 from 'ajv/dist/2020';
import { toEventItem } from '../../lambdas/adapters/dynamodb/codec';
import { ensureTable } from '../../lambdas/adapters/dynamodb/create-table';
import { JsonLinesDeadLetterSink } from '../../lambdas/adapters/local/json-lines-dead-letter-sink';
import { JsonLinesEventSink } from '../../lambdas/adapters/local/json-lines-event-sink';
import { CURRENT_EVENT_SCHEMAS as EVENT_SCHEMAS } from '../../lambdas/contracts/events/schemas';
import { buildEvent, type ChangeEvent } from '../../lambdas/events/catalog';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../../lambdas/local/dynamodb-local';
import { startLocalService, streamCheckpointFile, type LocalService } from '../../lambdas/local/run';
import { readCheckpoint, StreamPublisher } from '../../lambdas/local/stream-publisher';
import { readEvents, waitForEvents, type Published } from '../support/events-file';
import { scim } from '../support/local-service';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from '../../lambdas/scim/schema/urns';

const validators = new Map(
  EVENT_SCHEMAS.map(({ detailType, schema }) => [
    detailType,
    new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema),
  ]),
);

/** The schema violations of a published event (none expected). */
function schemaErrors(event: Published | undefined): unknown[] {
  const validate = validators.get(event?.DetailType ?? '');
  if (!validate) return [`no schema for ${event?.DetailType}`];
  return validate(event?.detail) ? [] : (validate.errors ?? []);
}
const ofResource = (id: string) => (events: Published[]) => events.filter((event) => event.detail.resourceId === id);

describe('Change events over the local service (DynamoDB Local stream → publisher → events file)', () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-events-'));
  const tableName = `scim-events-${randomUUID()}`;
  let service: LocalService;
  let users: string;
  let groups: string;

  const start = () => startLocalService({ dataDir, port: 0, dynamodbEndpoint: endpoint, tableName });

  beforeAll(async () => {
    service = await start();
    users = `${service.tenantUrl}/Users`;
    groups = `${service.tenantUrl}/Groups`;
  });

  afterAll(async () => {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const createUser = async (userName = `${randomUUID()}@contoso.example`) => {
    const response = await scim(users, service.token, {
      method: 'POST',
      body: { schemas: [USER_SCHEMA], userName, active: true, title: 'Engineer' },
    });
    expect(response.status).toBe(201);
    return String(response.body?.id);
  };

  it("writes each event as its PutEvents entry, valid against its detail type's schema", async () => {
    const id = await createUser();

    const [event] = ofResource(id)(
      await waitForEvents(service.eventsFile, (events) => ofResource(id)(events).length > 0),
    );

    expect(event?.Source).toBe('scim.directory');
    expect(event?.DetailType).toBe('User Created');
    expect(event?.detail).toMatchObject({
      detailType: 'User Created',
      tenantId: 'demo',
      resourceType: 'User',
      resourceId: id,
      version: 1,
    });
    expect(schemaErrors(event)).toEqual([]);
  });

  it('emits nothing for a write that rolled back (409: userName taken)', async () => {
    const userName = `${randomUUID()}@contoso.example`;
    const first = await createUser(userName);

    const duplicate = await scim(users, service.token, {
      method: 'POST',
      body: { schemas: [USER_SCHEMA], userName: userName.toUpperCase() },
    });
    const marker = await createUser();

    expect(duplicate.status).toBe(409);
    const events = await waitForEvents(service.eventsFile, (all) => ofResource(marker)(all).length > 0);
    const named = events.filter(
      (event) =>
        (event.detail.snapshot as { userName?: string } | null)?.userName?.toLowerCase() === userName.toLowerCase(),
    );
    expect(named.map((event) => [event.detail.resourceId, event.DetailType])).toEqual([[first, 'User Created']]);
    const firstIndex = events.findIndex((event) => event.detail.resourceId === first);
    expect(events.slice(firstIndex + 1).map((event) => event.detail.resourceId)).toEqual([marker]);
  });

  it('reports create, Entra\'s soft delete (active "False") and delete of a user, once each, in version order', async () => {
    const id = await createUser();
    const patch = await scim(`${users}/${id}`, service.token, {
      method: 'PATCH',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    const removed = await scim(`${users}/${id}`, service.token, { method: 'DELETE' });

    const events = ofResource(id)(await waitForEvents(service.eventsFile, (all) => ofResource(id)(all).length >= 3));

    expect(patch.status).toBe(200);
    expect(removed.status).toBe(204);
    expect(events.map((event) => [event.DetailType, event.detail.version])).toEqual([
      ['User Created', 1],
      ['User Deactivated', 2],
      ['User Deleted', 3],
    ]);
    expect(events[1]?.detail).toMatchObject({
      changedAttributes: ['active'],
      previous: { active: true },
      snapshot: { active: false },
    });
    expect(events[2]?.detail.snapshot).toBeNull();
    for (const event of events) expect(schemaErrors(event)).toEqual([]);
  });

  it("reports a group's creation, rename and new member", async () => {
    const userId = await createUser();
    const created = await scim(groups, service.token, {
      method: 'POST',
      body: { schemas: [GROUP_SCHEMA], displayName: 'Sales' },
    });
    const groupId = String(created.body?.id);
    const rename = await scim(`${groups}/${groupId}`, service.token, {
      method: 'PATCH',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }] },
    });
    const add = await scim(`${groups}/${groupId}`, service.token, {
      method: 'PATCH',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: userId }] }] },
    });

    const events = ofResource(groupId)(
      await waitForEvents(service.eventsFile, (all) => ofResource(groupId)(all).length >= 3),
    );

    expect(created.status).toBe(201);
    expect([200, 204]).toContain(rename.status);
    expect([200, 204]).toContain(add.status);
    expect(events.map((event) => [event.DetailType, event.detail.version])).toEqual([
      ['Group Created', 1],
      ['Group Updated', 2],
      ['Group Members Added', 3],
    ]);
    expect(events[1]?.detail).toMatchObject({
      changedAttributes: ['displayName'],
      previous: { displayName: 'Sales' },
      snapshot: { displayName: 'Sales EMEA' },
    });
    expect(events[2]?.detail.members).toEqual({ added: [userId], removed: [] });
    for (const event of events) expect(schemaErrors(event)).toEqual([]);
  });

  it('delivers every change made while the publisher was stopped once it starts again, each once', async () => {
    await service.publisher.stop();
    const ids = [await createUser(), await createUser(), await createUser()];
    await new Promise((resolve) => setTimeout(resolve, 600));
    const whileStopped = readEvents(service.eventsFile).filter((event) => ids.includes(event.detail.resourceId));

    service.publisher.start();
    const events = await waitForEvents(service.eventsFile, (all) => ids.every((id) => ofResource(id)(all).length > 0));

    expect(whileStopped).toEqual([]);
    expect(ids.map((id) => ofResource(id)(events).map((event) => event.DetailType))).toEqual([
      ['User Created'],
      ['User Created'],
      ['User Created'],
    ]);
  });

  it('after a restart publishes what committed while it was down, and repeats with the same eventId what a crash left unconfirmed', async () => {
    const confirmed = readCheckpoint(streamCheckpointFile(dataDir));
    const before = await createUser();
    await waitForEvents(service.eventsFile, (all) => ofResource(before)(all).length > 0);
    await service.publisher.stop();
    const during = await createUser();
    await service.stop();
    // A crash between appending `before` to the events file and saving the checkpoint: the checkpoint lags.
    writeFileSync(streamCheckpointFile(dataDir), JSON.stringify(confirmed));

    service = await start();
    const events = await waitForEvents(service.eventsFile, (all) => ofResource(during)(all).length > 0);

    expect(ofResource(during)(events).map((event) => event.DetailType)).toEqual(['User Created']);
    const repeated = ofResource(before)(events);
    expect(repeated.length).toBe(2);
    expect(new Set(repeated.map((event) => event.detail.eventId)).size).toBe(1);
  });
});

describe('StreamPublisher across a restart of DynamoDB Local with its data on disk', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-stream-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const outboxEvent = (resourceId: string) =>
    buildEvent({
      detailType: 'User Created',
      tenantId: 'acme',
      resourceType: 'User',
      resourceId,
      version: 1,
      occurredAt: new Date().toISOString(),
      requestId: 'r',
      snapshot: { schemas: [], id: resourceId, userName: resourceId, meta: {} },
    });

  async function withDatabase<T>(
    port: number,
    work: (endpoint: string, put: (event: ChangeEvent) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const database = await startDynamoDbLocal({ dbPath: join(dataDir, 'dynamodb'), port });
    const client = new DynamoDBClient({
      endpoint: database.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const documents = DynamoDBDocumentClient.from(client);
    try {
      await ensureTable(client, 'outbox');
      return await work(
        database.endpoint,
        async (event) => void (await documents.send(new PutCommand({ TableName: 'outbox', Item: toEventItem(event) }))),
      );
    } finally {
      client.destroy();
      await database.stop();
    }
  }

  it('resumes after its checkpoint: nothing lost, nothing repeated', async () => {
    const port = await freePort();
    const file = join(dataDir, 'events.jsonl');
    const publisher = () =>
      new StreamPublisher({
        endpoint: `http://127.0.0.1:${port}`,
        tableName: 'outbox',
        checkpointFile: join(dataDir, 'checkpoint.json'),
        sink: new JsonLinesEventSink(file),
        deadLetters: new JsonLinesDeadLetterSink(join(dataDir, 'dead-letters.jsonl')),
      });
    const [first, second, third] = [outboxEvent('first'), outboxEvent('second'), outboxEvent('third')];

    await withDatabase(port, async (_endpoint, put) => {
      const running = publisher();
      running.start();
      await put(first);
      await waitForEvents(file, (all) => all.length >= 1);
      await running.stop();
      await put(second);
    });
    await withDatabase(port, async (_endpoint, put) => {
      await put(third);
      const running = publisher();
      running.start();
      await waitForEvents(file, (all) => all.length >= 3);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await running.stop();
    });

    expect(readEvents(file).map((event) => event.detail.eventId)).toEqual([
      first.eventId,
      second.eventId,
      third.eventId,
    ]);
  }, 90_000);

  it('sets an event too large for EventBridge aside in the dead-letter file and publishes the later events in order, once', async () => {
    const port = await freePort();
    const folder = mkdtempSync(join(dataDir, 'aside-'));
    const file = join(folder, 'events.jsonl');
    const deadLetters = join(folder, 'dead-letters.jsonl');
    const publisher = new StreamPublisher({
      endpoint: `http://127.0.0.1:${port}`,
      tableName: 'outbox',
      checkpointFile: join(folder, 'checkpoint.json'),
      sink: new JsonLinesEventSink(file),
      deadLetters: new JsonLinesDeadLetterSink(deadLetters),
      pollIntervalMs: 50,
    });
    const before = outboxEvent('before');
    // An outbox row written before buildEvent capped events (300 KB, under DynamoDB's 400 KB item limit).
    const huge: ChangeEvent = {
      ...outboxEvent('huge'),
      snapshot: { schemas: [], id: 'huge', userName: 'huge', title: 'x'.repeat(300 * 1024), meta: {} },
    };
    const after = outboxEvent('after');

    await withDatabase(port, async (_endpoint, put) => {
      publisher.start();
      await put(before);
      await put(huge);
      await put(after);
      await waitForEvents(file, (all) => all.some((event) => event.detail.eventId === after.eventId));
      await publisher.stop();
    });

    // The database folder is shared with the test above: its stream still holds that test's records.
    const ours = new Set([before.eventId, huge.eventId, after.eventId]);
    expect(
      readEvents(file)
        .map((event) => event.detail.eventId)
        .filter((id) => ours.has(id)),
    ).toEqual([before.eventId, after.eventId]);
    const aside = readFileSync(deadLetters, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { eventId: string; reason: string; bytes: number; entry: { Detail: string } });
    expect(aside.map((entry) => [entry.eventId, entry.reason])).toEqual([[huge.eventId, 'EntryTooLarge']]);
    expect(aside[0]!.bytes).toBeGreaterThan(256 * 1024);
    expect((JSON.parse(aside[0]!.entry.Detail) as ChangeEvent).eventId).toBe(huge.eventId);
  }, 90_000);
});
