import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { translateStorageError, UnprocessedItemsError } from '../../../lambdas/adapters/dynamodb/errors';
import { ConcurrentWriteError, ScimError } from '../../../lambdas/scim/errors';

/** What translateStorageError throws for `error`. */
function translated(error: unknown): unknown {
  try {
    translateStorageError(error);
  } catch (thrown) {
    return thrown;
  }
  throw new Error('translateStorageError returned');
}

describe('translateStorageError: client answers that keep the DynamoDB error as cause', () => {
  const metadata = { $metadata: { httpStatusCode: 500 } };

  it.each([
    [
      'throttling',
      () =>
        new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }),
      429,
    ],
    ['a transient fault', () => new InternalServerError({ message: 'Internal', ...metadata }), 503],
    [
      'a transaction conflict',
      () => new TransactionConflictException({ message: 'Conflict', $metadata: { httpStatusCode: 400 } }),
      503,
    ],
    ['batch keys left unprocessed after every retry', () => new UnprocessedItemsError('BatchGetItem', 3), 429],
  ])('answers %s with its status and Retry-After, the original error as cause', (_name, make, status) => {
    const cause = make();

    const error = translated(cause);

    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(status);
    expect((error as ScimError).headers['Retry-After']).toBeDefined();
    expect((error as ScimError).cause).toBe(cause);
  });

  it('answers a transaction conflict as a ConcurrentWriteError (operations retry it)', () => {
    expect(translated(new TransactionConflictException({ message: 'Conflict', $metadata: {} }))).toBeInstanceOf(
      ConcurrentWriteError,
    );
  });

  it('rethrows an error it cannot explain unchanged', () => {
    const unknown = new Error('socket hang up');

    expect(translated(unknown)).toBe(unknown);
  });

  it('names the batch API and the count in an UnprocessedItemsError, for the log', () => {
    expect(new UnprocessedItemsError('BatchWriteItem', 1).message).toBe(
      'BatchWriteItem left 1 item unprocessed after every retry',
    );
  });
});
