import { isWriteOperation, type MeasuredOperation, type OperationFigures } from './operations';
import { round } from './harness';

/**
 * Public us-east-1 list prices as of `date`, free tiers ignored. DynamoDB on-demand is the price after
 * the November 2024 cut (quoted, e.g., by airbyte.com/data-engineering-resources/dynamodb-pricing,
 * July 2025); the others are the list prices on the linked AWS pages: re-check them there before
 * quoting a total.
 */
export const PRICES = {
  date: '2026-11-24',
  region: 'us-east-1',
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ */
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  /** https://aws.amazon.com/lambda/pricing/ (Arm) */
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  lambdaMemoryGb: 0.5,
  /** https://aws.amazon.com/api-gateway/pricing/ REST APIs, first 333 million a month */
  apiGatewayRestPerMillion: 3.5,
  /** https://aws.amazon.com/secrets-manager/pricing/ */
  secretsManagerPer10kCalls: 0.05,
  /** https://aws.amazon.com/eventbridge/pricing/ custom events, per 64 KB chunk */
  eventBridgePerMillionEvents: 1.0,
} as const;

/** An Entra-like steady-state mix: mostly matches and PATCHes (shares sum to 1). */
export const ENTRA_MIX: Partial<Record<MeasuredOperation, number>> = {
  matchUserName: 0.4,
  patchUser: 0.3,
  getUser: 0.05,
  createUser: 0.05,
  deactivateUser: 0.03,
  deleteUser: 0.01,
  createGroup: 0.01,
  addOneMember: 0.08,
  removeOneMember: 0.03,
  getGroupWithoutMembers: 0.03,
  listUsersPage: 0.01,
};

/** One GetSecretValue per this many requests: the key is cached 5 minutes per container, re-read on cold starts. */
const REQUESTS_PER_SECRET_CALL = 1000;
/** The stream publisher's Lambda: one invocation per this many events, this long each. */
const EVENTS_PER_PUBLISHER_BATCH = 10;
const PUBLISHER_MS = 100;

export interface CostFigures {
  total: number;
  breakdown: { dynamodb: number; lambda: number; apiGateway: number; secretsManager: number; eventBridge: number };
  mix: Partial<Record<MeasuredOperation, number>>;
  assumptions: string[];
  prices: typeof PRICES;
}

/**
 * Dollars per million SCIM operations of the mix, from the measured capacity units and latencies.
 * Lambda duration is the local HTTP p50 (DynamoDB Local is slower than DynamoDB, so this errs high).
 */
export function costPerMillion(operations: Record<MeasuredOperation, OperationFigures>): CostFigures {
  let dynamodb = 0;
  let gbSeconds = 0;
  let events = 0;
  for (const [operation, share] of Object.entries(ENTRA_MIX) as Array<[MeasuredOperation, number]>) {
    const figures = operations[operation];
    const count = share * 1_000_000;
    dynamodb +=
      count *
      ((figures.capacity.read * PRICES.dynamodbPerMillionReadUnits +
        figures.capacity.write * PRICES.dynamodbPerMillionWriteUnits) /
        1_000_000);
    gbSeconds += count * PRICES.lambdaMemoryGb * (Math.ceil(figures.p50Ms) / 1000);
    if (isWriteOperation(operation)) events += count;
  }
  const publisherInvocations = events / EVENTS_PER_PUBLISHER_BATCH;
  gbSeconds += publisherInvocations * PRICES.lambdaMemoryGb * (PUBLISHER_MS / 1000);
  const lambda =
    gbSeconds * PRICES.lambdaPerGbSecondArm +
    ((1_000_000 + publisherInvocations) / 1_000_000) * PRICES.lambdaPerMillionRequests;
  const breakdown = {
    dynamodb: round(dynamodb, 3),
    lambda: round(lambda, 3),
    apiGateway: round(PRICES.apiGatewayRestPerMillion, 3),
    secretsManager: round((1_000_000 / REQUESTS_PER_SECRET_CALL / 10_000) * PRICES.secretsManagerPer10kCalls, 3),
    eventBridge: round((events / 1_000_000) * PRICES.eventBridgePerMillionEvents, 3),
  };
  return {
    total: round(
      Object.values(breakdown).reduce((sum, value) => sum + value, 0),
      2,
    ),
    breakdown,
    mix: ENTRA_MIX,
    assumptions: [
      'Lambda: 512 MB arm64, billed duration = local HTTP p50 of the operation (rounded up to 1 ms)',
      `Secrets Manager: one GetSecretValue per ${REQUESTS_PER_SECRET_CALL} requests (key cached 5 min per container)`,
      'EventBridge: one event per write operation; DynamoDB Streams reads by a Lambda trigger are free',
      `stream publisher Lambda: one ${PUBLISHER_MS} ms invocation per ${EVENTS_PER_PUBLISHER_BATCH} events`,
      'DynamoDB capacity from measured item sizes; storage, backups and data transfer excluded',
    ],
    prices: PRICES,
  };
}
