import { ScimError } from '../../scim/errors';
import { etagOf } from '../../scim/resources/render';
import type { StoredResource } from '../ports';
import { CommitFailure, isCommitFailure } from '../writes/write-plan';
import type { ScimRequest, ScimResponse } from '../request';

/** The version numbers an If-Match / If-None-Match header names (`W/"3"`, `"3"`, lists); `*` is any. */
function versionsIn(header: string): Set<string> | 'any' {
  if (header.trim() === '*') return 'any';
  const versions = new Set<string>();
  for (const tag of header.split(',')) {
    const match = /^\s*(?:W\/)?"([^"]*)"\s*$/i.exec(tag);
    if (match?.[1] !== undefined) versions.add(match[1]);
  }
  return versions;
}

/** True when the request carries If-Match: its writes must then not retry on a version conflict. */
export function hasIfMatch(request: Pick<ScimRequest, 'headers'>): boolean {
  return request.headers['if-match'] !== undefined;
}

/**
 * RFC 7644 §3.14: a write with If-Match naming another version fails with 412. The write itself is
 * then made conditional on the version checked here, so a change in between also ends in 412.
 */
export function checkIfMatch(request: ScimRequest, stored: StoredResource): void {
  const header = request.headers['if-match'];
  if (header === undefined) return;
  const versions = versionsIn(header);
  if (versions !== 'any' && !versions.has(String(stored.version))) {
    throw ScimError.preconditionFailed(
      `If-Match ${header} does not match the current version ${etagOf(stored.version)}.`,
    );
  }
}

/** RFC 7644 §3.14: GET with If-None-Match naming the current version answers 304 without a body. */
export function notModified(request: ScimRequest, stored: StoredResource): ScimResponse | undefined {
  const header = request.headers['if-none-match'];
  if (header === undefined) return undefined;
  const versions = versionsIn(header);
  if (versions === 'any' || versions.has(String(stored.version)))
    return { status: 304, headers: { ETag: etagOf(stored.version) } };
  return undefined;
}

/**
 * How long a write may keep retrying after losing races before it answers 503 with Retry-After:
 * well inside the function's 10 s timeout. Entra and Okta send PATCHes of one group in parallel; a
 * dozen concurrent writers of one resource all commit (test/integration/races.test.ts).
 */
export const WRITE_RETRY_BUDGET_MS = 4_000;

/** Seconds a client waits before retrying a write that kept losing races (Retry-After). */
export const CONTENDED_RETRY_AFTER_SECONDS = 1;

/** Full jitter, 10 ms doubling per try, capped at 250 ms: contenders spread out instead of colliding again. */
const backoff = (tries: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 10 * 2 ** tries)));

/** Seconds a throttled or briefly unavailable table asks the client to wait (Retry-After). */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

/**
 * What a commit failure means to the client once retrying is over (or not allowed): the use case's
 * own words for it go in `detail` (STYLE.md: the status is decided here, not in the adapter).
 */
export function scimErrorOf(failure: CommitFailure, request: Pick<ScimRequest, 'headers'>, what: string): ScimError {
  switch (failure.reason) {
    case 'versionConflict':
    case 'memberStateChanged':
      return hasIfMatch(request)
        ? ScimError.preconditionFailed(`${what} changed since the version in If-Match; read it again and retry.`)
        : ScimError.unavailable(CONTENDED_RETRY_AFTER_SECONDS);
    case 'transactionConflict':
      return ScimError.unavailable(CONTENDED_RETRY_AFTER_SECONDS);
    case 'alreadyExists':
      return ScimError.conflict(`${what} already exists.`);
    case 'uniqueConflict':
      return ScimError.conflict(`userName is already taken in this tenant.`);
    case 'notFound':
      return ScimError.notFound(`${what} not found.`);
    case 'memberMissing':
      return ScimError.badRequest(
        'invalidValue',
        `members: "${failure.write?.type === 'memberExists' ? failure.write.memberId : '?'}" is not a user or group of this tenant (or is being deleted).`,
      );
    case 'throttled':
      return ScimError.throttled(STORAGE_RETRY_AFTER_SECONDS);
    case 'unavailable':
      return ScimError.unavailable(STORAGE_RETRY_AFTER_SECONDS);
  }
}

/** Failures another attempt (reading again) can get past; with If-Match, a stale version is final. */
function isRetryable(error: unknown, request: Pick<ScimRequest, 'headers'>): boolean {
  if (isCommitFailure(error, 'transactionConflict', 'memberMissing')) return true;
  return !hasIfMatch(request) && isCommitFailure(error, 'versionConflict', 'memberStateChanged');
}

/**
 * Runs a read-modify-write; when the commit loses a race (a version condition, a membership that
 * changed, a transaction conflict) and the client sent no If-Match, reads again and retries, so
 * concurrent PATCHes of one resource all apply. A client that sent no If-Match never sees 412
 * (RFC 7232 §4.2 ties it to a precondition it sent): when the retry budget is spent, the answer is
 * 503 with Retry-After. Commit failures that reach the end are mapped by `scimErrorOf`.
 */
export async function withRetryOnConflict<T>(
  request: Pick<ScimRequest, 'headers'>,
  what: string,
  attempt: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + WRITE_RETRY_BUDGET_MS;
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof CommitFailure)) throw error;
      if (!isRetryable(error, request) || Date.now() >= deadline) throw scimErrorOf(error, request, what);
      await backoff(tries);
    }
  }
}
