import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { KeySetUnavailable, type KeySets } from '../../operations/credentials/oauth-ports';

/** A JWKS fetch that takes longer is abandoned: the token request fails fast with invalid_client. */
export const JWKS_TIMEOUT_MS = 3_000;
/** An unknown `kid` re-fetches the key set at most this often (a key rotation at the issuer). */
export const JWKS_REFETCH_INTERVAL_MS = 60_000;
/**
 * A failed fetch (no answer, not 200, not a key set) is remembered this long: token requests in
 * that time fail at once with the same reason instead of each waiting up to JWKS_TIMEOUT_MS for a
 * key endpoint that is down, so a flood of assertions cannot keep Lambdas busy on it.
 */
export const JWKS_FAILURE_MEMORY_MS = 10_000;
/** A fetched key set is used this long before it is fetched again. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
/**
 * Largest key set answer read: Entra's is about 10 KB. A larger one is refused while it streams, so
 * a hostile or broken key endpoint cannot fill the Lambda's memory (512 MB) within the time box.
 */
export const MAX_JWKS_BYTES = 512 * 1024;
const MAX_KEY_SETS = 1000;

export interface RemoteKeySetsOptions {
  /** Local mode and tests only: also allow `http://` to a loopback address. AWS: HTTPS only. */
  readonly allowLoopbackHttp: boolean;
  /** @default JWKS_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Is `url` a JWKS URL the service may fetch: https://, or http:// to a loopback host when allowed. */
export function isFetchableJwksUrl(url: string, allowLoopbackHttp: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username !== '' || parsed.password !== '') return false;
  return (
    parsed.protocol === 'https:' ||
    (allowLoopbackHttp && parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))
  );
}

const tooLarge = () => new KeySetUnavailable(`the answer is larger than ${MAX_JWKS_BYTES / 1024} KB.`);

/**
 * jose's fetch with a size bound: reads at most MAX_JWKS_BYTES of the body (jose itself would buffer
 * any size), under jose's own abort signal, so the time box still covers the whole body.
 */
async function boundedFetch(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    throw new KeySetUnavailable(`the key endpoint answered HTTP ${response.status}${redirect}, not 200.`);
  }
  if (Number(response.headers.get('content-length') ?? 0) > MAX_JWKS_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > MAX_JWKS_BYTES) {
      await reader?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(chunk.value);
  }
  return new Response(Buffer.concat(chunks), { status: 200, headers: response.headers });
}

/**
 * Issuers' key sets, one jose remote JWK Set per URL per container: cached, re-fetched on an
 * unknown `kid` at most once a minute, each fetch time-boxed, a failed one remembered for
 * JWKS_FAILURE_MEMORY_MS; redirects are not followed (jose
 * fetches with `redirect: "manual"`), answers above MAX_JWKS_BYTES refused. The only outbound call the service makes.
 */
export class RemoteKeySets implements KeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly options: RemoteKeySetsOptions) {}

  keySetFor(jwksUrl: string): JWTVerifyGetKey {
    let keySet = this.sets.get(jwksUrl);
    if (!keySet) {
      keySet = this.create(jwksUrl);
      if (this.sets.size >= MAX_KEY_SETS) this.sets.delete(this.sets.keys().next().value as string);
      this.sets.set(jwksUrl, keySet);
    }
    return keySet;
  }

  private create(jwksUrl: string): JWTVerifyGetKey {
    if (!isFetchableJwksUrl(jwksUrl, this.options.allowLoopbackHttp)) {
      return async () => {
        throw new KeySetUnavailable('the JWKS URL is not an https:// URL.');
      };
    }
    const remote = createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: this.options.timeoutMs ?? JWKS_TIMEOUT_MS,
      cooldownDuration: JWKS_REFETCH_INTERVAL_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      [customFetch]: boundedFetch,
    });
    let failed: { readonly until: number; readonly error: KeySetUnavailable } | undefined;
    const unavailable = (error: KeySetUnavailable): never => {
      failed = { until: Date.now() + JWKS_FAILURE_MEMORY_MS, error };
      throw error;
    };
    return async (header, token) => {
      if (failed && Date.now() < failed.until) throw failed.error;
      try {
        const key = await remote(header, token);
        failed = undefined;
        return key;
      } catch (error) {
        if (error instanceof KeySetUnavailable) unavailable(error);
        // A key the set does not hold, or one of the wrong type, is a signature failure, not an outage.
        if (
          error instanceof errors.JWKSNoMatchingKey ||
          error instanceof errors.JWKSMultipleMatchingKeys ||
          error instanceof errors.JOSENotSupported
        )
          throw error;
        if (error instanceof errors.JWKSTimeout)
          return unavailable(
            new KeySetUnavailable(`no answer within ${this.options.timeoutMs ?? JWKS_TIMEOUT_MS} ms.`, {
              cause: error,
            }),
          );
        if (error instanceof errors.JWKSInvalid)
          return unavailable(new KeySetUnavailable('the answer is not a JWK Set.', { cause: error }));
        // What remains: jose's JSON parse failure, or fetch's own (refused connection, unknown host, TLS).
        if (error instanceof errors.JOSEError)
          return unavailable(new KeySetUnavailable('the answer is not JSON.', { cause: error }));
        return unavailable(new KeySetUnavailable('the key endpoint could not be reached.', { cause: error }));
      }
    };
  }
}
