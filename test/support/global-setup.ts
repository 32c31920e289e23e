import { startDynamoDbLocal } from '../../lambdas/local/dynamodb-local';

/** Starts one in-memory DynamoDB Local for the whole integration run; workers inherit its endpoint. */
export default async function globalSetup(): Promise<void> {
  const local = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = local.endpoint;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Request logs of deliberate failures would bury test output; the log-capture test raises the level itself.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  (globalThis as { __dynamoDbLocal?: typeof local }).__dynamoDbLocal = local;
}
