import { TABLE } from '../table';

/**
 * The DynamoDB Stream records the publisher receives: inserts of outbox rows only. Updates and
 * deletes (including TTL expiry of outbox rows) never reach it, so nothing is published twice by
 * design. The Lambda event-source mapping filters with it in AWS; the local poller applies the same
 * pattern in code (lambdas/events/stream.ts).
 */
export const PUBLISHABLE_RECORD_PATTERN = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { kind: { S: [TABLE.kinds.event] } } },
} as const;

/** Stream records per publisher invocation: 10 PutEvents calls of 10 entries at most. */
export const PUBLISHER_BATCH_SIZE = 100;
