import type { Dependencies } from '../operations/ports';
import { ScimError } from '../scim/errors';
import type { ChainState } from './chain';

/**
 * Time a commit needs left before it starts: one DynamoDB transaction with the SDK's retries. With
 * less, the request stops with a 503 and changes nothing, rather than committing and then being cut
 * off by the Lambda timeout (the client would see a failure for a write that happened).
 */
export const COMMIT_RESERVE_MS = 1_000;

/** The WriteStore methods (operations/ports.ts): each starts only while the commit deadline allows. */
const WRITING_METHODS: readonly (keyof Dependencies['writes'])[] = [
  'commit',
  'reserveVersions',
  'beginDelete',
  'sweepMemberships',
];

/**
 * Guards the store's committing methods with the request's deadline: a commit starts only with at
 * least `reserveMs` left (else a 503 with Retry-After, nothing changed), and marks the request
 * committed once it resolved.
 */
export function guardCommits(
  deps: Dependencies,
  state: ChainState,
  remainingMs: () => number,
  reserveMs: number,
): Dependencies {
  const writes = new Proxy(deps.writes, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !(WRITING_METHODS as readonly PropertyKey[]).includes(property)) return value;
      return async (...args: unknown[]) => {
        if (remainingMs() < reserveMs)
          throw ScimError.unavailable(
            1,
            'The request ran out of time before its change was committed; nothing was changed. Retry it.',
          );
        const result: unknown = await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args);
        // Only a committed transaction is a change the client must hear of (its log entry rides in it).
        if (property === 'commit') state.committed = true;
        return result;
      };
    },
  });
  return { ...deps, writes };
}
