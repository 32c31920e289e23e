import { ConcurrentWriteError, ScimError } from '../../scim/errors';

/** Throttling answers of DynamoDB: the client should slow down and retry (Entra honours Retry-After). */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
/** Transient faults worth a retry from the client. */
const TRANSIENT = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TransactionConflictException',
]);

export const RETRY_AFTER_SECONDS = 2;

/**
 * A batch call (BatchGetItem, BatchWriteItem) that DynamoDB kept answering with unprocessed items,
 * after every backoff: the table is throttling, so the client is asked to retry (429).
 */
export class UnprocessedItemsError extends Error {
  constructor(
    /** The batch API, for the log. */
    readonly api: 'BatchGetItem' | 'BatchWriteItem',
    /** How many keys or requests were still unprocessed. */
    readonly unprocessed: number,
  ) {
    super(`${api} left ${unprocessed} item${unprocessed === 1 ? '' : 's'} unprocessed after every retry`);
    this.name = 'UnprocessedItemsError';
  }
}

/**
 * DynamoDB refuses a key over its size limits (partition key 2,048 bytes, sort key 1,024 bytes,
 * index keys alike) with a ValidationException, or a ValidationError cancellation reason inside a
 * transaction. The value came from the client (an id in the path, a userName, an externalId, a
 * filter's value), so it is the client's 400, not a 500 (test/integration/limits.test.ts).
 */
const KEY_TOO_LARGE = /(2048|1024) bytes|size limit/i;
/** DynamoDB's 400 KB item limit: a backstop behind checkResourceBounds (lambdas/scim/resources/normalize.ts). */
const ITEM_TOO_LARGE = /item size (to update )?has exceeded/i;
/** An empty string as a key attribute: a backstop behind the empty-filter check (lambdas/operations/scim/list-resources.ts). */
const EMPTY_KEY = /key attribute cannot contain an empty string/i;

interface AwsLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
  readonly CancellationReasons?: readonly { readonly Code?: string; readonly Message?: string }[];
}

export function isThrottling(name: string): boolean {
  return THROTTLING.has(name);
}

export function isTransient(name: string): boolean {
  return TRANSIENT.has(name);
}

/** Is this DynamoDB's refusal of a key past its size limits (a client's value, so a 400)? */
export function keyTooLarge(error: unknown): boolean {
  const candidate = error as AwsLikeError;
  return (
    (candidate?.name === 'ValidationException' && KEY_TOO_LARGE.test(candidate?.message ?? '')) ||
    (candidate?.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ValidationError' && KEY_TOO_LARGE.test(reason.Message ?? ''),
    )
  );
}

/** The Code of each transaction item's cancellation reason ('None' when that item was fine). */
export function cancellationCodes(error: unknown): string[] | undefined {
  const candidate = error as AwsLikeError;
  if (candidate?.name !== 'TransactionCanceledException') return undefined;
  return (candidate.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/**
 * Did a write's condition fail: a single write's, or in a transaction item `item`'s (any item's when
 * `item` is omitted)?
 */
export function conditionFailed(error: unknown, item?: number): boolean {
  if ((error as AwsLikeError)?.name === 'ConditionalCheckFailedException') return true;
  const codes = cancellationCodes(error) ?? [];
  return item === undefined ? codes.includes('ConditionalCheckFailed') : codes[item] === 'ConditionalCheckFailed';
}

/**
 * Translates an infrastructure failure at the adapter's edge (STYLE.md): throttling → 429 and
 * transient faults → 503, both with Retry-After, so Entra retries rather than counting a failure.
 * Each translation keeps the DynamoDB error as its `cause`, so the request log says what happened.
 * Anything else is rethrown unchanged and becomes a 500 that reveals nothing.
 */
export function translateStorageError(error: unknown): never {
  if (error instanceof ScimError) throw error;
  const cause = { cause: error };
  if (error instanceof UnprocessedItemsError) throw ScimError.throttled(RETRY_AFTER_SECONDS, cause);
  const candidate = error as AwsLikeError;
  const name = candidate?.name ?? '';
  const codes = cancellationCodes(error) ?? [];
  if (THROTTLING.has(name) || codes.some((code) => THROTTLING.has(code) || code === 'ThrottlingError')) {
    throw ScimError.throttled(RETRY_AFTER_SECONDS, cause);
  }
  if (keyTooLarge(error)) {
    throw new ScimError(
      400,
      'A value used as a storage key (a resource id, userName, externalId, work email or displayName) is too long: keys are limited to 1,024 bytes.',
      'invalidValue',
      {},
      cause,
    );
  }
  const validation = (pattern: RegExp) =>
    (name === 'ValidationException' && pattern.test(candidate?.message ?? '')) ||
    (candidate?.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ValidationError' && pattern.test(reason.Message ?? ''),
    );
  if (validation(ITEM_TOO_LARGE))
    throw new ScimError(
      400,
      'The resource is too large to store: DynamoDB items are limited to 400 KB.',
      'invalidValue',
      {},
      cause,
    );
  if (validation(EMPTY_KEY))
    throw new ScimError(
      400,
      'A value used as a storage key (an id, userName, externalId or displayName) is empty.',
      'invalidValue',
      {},
      cause,
    );
  if (name === 'TransactionConflictException' || codes.includes('TransactionConflict'))
    throw new ConcurrentWriteError(RETRY_AFTER_SECONDS, cause);
  const status = candidate?.$metadata?.httpStatusCode ?? 0;
  if (TRANSIENT.has(name) || status >= 500) {
    throw ScimError.unavailable(RETRY_AFTER_SECONDS, undefined, cause);
  }
  throw error;
}
