import { ConcurrentWriteError, ScimError } from '../../scim/errors';

/** Throttling answers of DynamoDB: the client should slow down and retry (Entra honours Retry-After). */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
/** Transient faults worth a retry from the client. */
const TRANSIENT = new Set(['InternalServerError', 'ServiceUnavailable', 'TransactionInProgressException', 'TransactionConflictException']);

export const RETRY_AFTER_SECONDS = 2;

/**
 * DynamoDB refuses a key over its size limits (partition key 2,048 bytes, sort key 1,024 bytes,
 * index keys alike) with a ValidationException, or a ValidationError cancellation reason inside a
 * transaction. The value came from the client (an id in the path, a userName, an externalId, a
 * filter's value), so it is the client's 400, not a 500 (test/integration/limits.test.ts).
 */
const KEY_TOO_LARGE = /(2048|1024) bytes|size limit/i;
/** DynamoDB's 400 KB item limit: a backstop behind checkResourceBounds (lambdas/scim/resources/normalize.ts). */
const ITEM_TOO_LARGE = /item size (to update )?has exceeded/i;
/** An empty string as a key attribute: a backstop behind the empty-filter check (lambdas/operations/listing.ts). */
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
    (candidate?.CancellationReasons ?? []).some((reason) => reason.Code === 'ValidationError' && KEY_TOO_LARGE.test(reason.Message ?? ''))
  );
}

/** The Code of each transaction item's cancellation reason ('None' when that item was fine). */
export function cancellationCodes(error: unknown): string[] | undefined {
  const candidate = error as AwsLikeError;
  if (candidate?.name !== 'TransactionCanceledException') return undefined;
  return (candidate.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/**
 * Translates an infrastructure failure at the adapter's edge (STYLE.md): throttling → 429 and
 * transient faults → 503, both with Retry-After, so Entra retries rather than counting a failure.
 * Anything else is rethrown unchanged and becomes a 500 that reveals nothing.
 */
export function translateStorageError(error: unknown): never {
  if (error instanceof ScimError) throw error;
  const candidate = error as AwsLikeError;
  const name = candidate?.name ?? '';
  const codes = cancellationCodes(error) ?? [];
  if (THROTTLING.has(name) || codes.some((code) => THROTTLING.has(code) || code === 'ThrottlingError')) {
    throw ScimError.throttled(RETRY_AFTER_SECONDS);
  }
  if (keyTooLarge(error)) {
    throw ScimError.badRequest('invalidValue', 'A value used as a storage key (a resource id, userName, externalId, work email or displayName) is too long: keys are limited to 1,024 bytes.');
  }
  const validation = (pattern: RegExp) =>
    (name === 'ValidationException' && pattern.test(candidate?.message ?? '')) ||
    (candidate?.CancellationReasons ?? []).some((reason) => reason.Code === 'ValidationError' && pattern.test(reason.Message ?? ''));
  if (validation(ITEM_TOO_LARGE)) throw ScimError.badRequest('invalidValue', 'The resource is too large to store: DynamoDB items are limited to 400 KB.');
  if (validation(EMPTY_KEY)) throw ScimError.badRequest('invalidValue', 'A value used as a storage key (an id, userName, externalId or displayName) is empty.');
  if (name === 'TransactionConflictException' || codes.includes('TransactionConflict')) throw new ConcurrentWriteError(RETRY_AFTER_SECONDS);
  const status = candidate?.$metadata?.httpStatusCode ?? 0;
  if (TRANSIENT.has(name) || status >= 500) {
    throw ScimError.unavailable(RETRY_AFTER_SECONDS);
  }
  throw error;
}
