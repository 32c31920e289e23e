import type { DynamoDBStreamEvent } from 'aws-lambda';
import { getPublisherDependencies } from '../adapters/eventbridge/publisher-wiring';
import { logger } from '../http/logger';
import { publishChanges } from '../operations/publishing/publish-changes';

/** DynamoDB Stream (outbox inserts only, filtered by the event-source mapping) → EventBridge. */
export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  logger.info('published', { ...(await publishChanges(event.Records, getPublisherDependencies())) });
};
