import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per container; each request logs through a child carrying its keys. */
export const logger = new Logger({ serviceName: 'scim' });
