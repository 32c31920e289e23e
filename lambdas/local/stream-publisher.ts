import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DeadLetterSink, EventSink } from '../operations/publishing/event-sink';
import { publishChanges } from '../operations/publishing/publish-changes';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';

/**
 * Where the local publisher has got to: per shard of the table's stream, the sequence number of the
 * last record whose events reached the sink. Written after the sink, so a crash in between repeats
 * events (same eventId), never loses one.
 */
export interface StreamCheckpoint {
  readonly streamArn: string;
  readonly shards: Record<string, string>;
}

export interface StreamPublisherOptions {
  /** DynamoDB Local's endpoint. */
  readonly endpoint: string;
  readonly tableName: string;
  /** JSON file holding the StreamCheckpoint; survives restarts. */
  readonly checkpointFile: string;
  readonly sink: EventSink;
  /** Where change events that can never be published go (local mode: a JSON-lines file). */
  readonly deadLetters: DeadLetterSink;
  /** Wait between polls when the stream has nothing new. @default 200 ms */
  readonly pollIntervalMs?: number;
  /** A failed poll or publish; the publisher retries from its checkpoint. @default logs to stderr */
  readonly onError?: (error: unknown) => void;
}

/** How often the shard list is read again (DynamoDB rolls shards over; DynamoDB Local keeps one). */
const SHARD_REFRESH_MS = 10_000;

/**
 * Local mode's stand-in for the Lambda event-source mapping: reads the table's DynamoDB Local stream
 * shard by shard (parents before children) and hands each batch to the same publishChanges the
 * Lambda runs. DynamoDB Local keeps its stream on disk across restarts, so resuming after the
 * checkpoint publishes whatever committed while the publisher was down (docs/events.md "Local mode").
 */
export class StreamPublisher {
  private readonly pollIntervalMs: number;
  private client: DynamoDBClient | undefined;
  private streams: DynamoDBStreamsClient | undefined;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private checkpoint: StreamCheckpoint | undefined;
  private shards: Shard[] = [];
  private shardsReadAt = 0;
  private readonly iterators = new Map<string, string | null>();

  constructor(private readonly options: StreamPublisherOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Starts polling in the background; a no-op when running. Never keeps the process alive on its own. */
  start(): void {
    if (this.loop) return;
    const client = { endpoint: this.options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    this.client = new DynamoDBClient(client);
    this.streams = new DynamoDBStreamsClient(client);
    this.abort = new AbortController();
    this.iterators.clear();
    this.shards = [];
    this.shardsReadAt = 0;
    this.checkpoint = undefined;
    this.loop = this.run(this.abort.signal);
  }

  /** Stops polling and waits for the poll in flight; the checkpoint keeps the place for the next start. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.client?.destroy();
    this.streams?.destroy();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        busy = await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) return;
        (
          this.options.onError ??
          ((cause: unknown) => console.error('event publisher:', cause instanceof Error ? cause.message : cause))
        )(error);
        this.iterators.clear();
      }
      if (!busy && !signal.aborted) await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Reads each open shard once; true when records were published (poll again at once). */
  private async pollOnce(signal: AbortSignal): Promise<boolean> {
    const checkpoint = await this.loadCheckpoint(signal);
    if (Date.now() - this.shardsReadAt > SHARD_REFRESH_MS || this.shards.length === 0)
      await this.readShards(checkpoint.streamArn, signal);
    let busy = false;
    for (const shard of this.readyShards()) {
      const shardId = shard.ShardId ?? '';
      const iterator = this.iterators.get(shardId) ?? (await this.iteratorFor(checkpoint, shardId, signal));
      const page = await this.streams!.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }), {
        abortSignal: signal,
      });
      const records = page.Records ?? [];
      if (records.length > 0) {
        await publishChanges(records, {
          events: this.options.sink,
          deadLetters: this.options.deadLetters,
          sleep: (ms) => this.sleep(ms),
        });
        const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
        if (last !== undefined)
          await this.saveCheckpoint({ ...checkpoint, shards: { ...this.checkpoint!.shards, [shardId]: last } });
        busy = true;
      }
      // No next iterator: the shard is closed and read to its end.
      this.iterators.set(shardId, page.NextShardIterator ?? null);
    }
    return busy;
  }

  /** Open shards whose parent (if still listed) has been read to its end: DynamoDB's ordering rule. */
  private readyShards(): Shard[] {
    const listed = new Set(this.shards.map((shard) => shard.ShardId));
    return this.shards.filter((shard) => {
      if (this.iterators.get(shard.ShardId ?? '') === null) return false;
      const parent = shard.ParentShardId;
      return parent === undefined || !listed.has(parent) || this.iterators.get(parent) === null;
    });
  }

  private async readShards(streamArn: string, signal: AbortSignal): Promise<void> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await this.streams!.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
        { abortSignal: signal },
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    this.shards = shards;
    this.shardsReadAt = Date.now();
  }

  /** After the checkpoint when there is one; else from the oldest record the stream still holds. */
  private async iteratorFor(checkpoint: StreamCheckpoint, shardId: string, signal: AbortSignal): Promise<string> {
    const after = checkpoint.shards[shardId];
    const request = { StreamArn: checkpoint.streamArn, ShardId: shardId };
    if (after !== undefined) {
      try {
        const { ShardIterator } = await this.streams!.send(
          new GetShardIteratorCommand({
            ...request,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: after,
          }),
          { abortSignal: signal },
        );
        if (ShardIterator) return ShardIterator;
      } catch (error) {
        // Records past the stream's 24-hour retention are gone: start at the oldest one kept.
        if ((error as { name?: string }).name !== 'TrimmedDataAccessException') throw error;
      }
    }
    const { ShardIterator } = await this.streams!.send(
      new GetShardIteratorCommand({ ...request, ShardIteratorType: 'TRIM_HORIZON' }),
      { abortSignal: signal },
    );
    if (!ShardIterator) throw new Error(`No iterator for shard ${shardId} of ${checkpoint.streamArn}`);
    return ShardIterator;
  }

  /** The checkpoint of the table's current stream (a recreated table has a new stream: start afresh). */
  private async loadCheckpoint(signal: AbortSignal): Promise<StreamCheckpoint> {
    if (this.checkpoint) return this.checkpoint;
    const table = await this.client!.send(new DescribeTableCommand({ TableName: this.options.tableName }), {
      abortSignal: signal,
    });
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${this.options.tableName} has no stream`);
    const saved = readCheckpoint(this.options.checkpointFile);
    this.checkpoint = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
    return this.checkpoint;
  }

  private async saveCheckpoint(checkpoint: StreamCheckpoint): Promise<void> {
    const temporary = `${this.options.checkpointFile}.tmp`;
    await writeFile(temporary, JSON.stringify(checkpoint, null, 2));
    await rename(temporary, this.options.checkpointFile);
    this.checkpoint = checkpoint;
  }
}

export function readCheckpoint(file: string): StreamCheckpoint | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StreamCheckpoint>;
  return typeof parsed.streamArn === 'string' && typeof parsed.shards === 'object' && parsed.shards !== null
    ? { streamArn: parsed.streamArn, shards: parsed.shards }
    : undefined;
}
