import { decodeProtectedHeader } from 'jose';
import {
  isFetchableJwksUrl,
  JWKS_FAILURE_MEMORY_MS,
  JWKS_REFETCH_INTERVAL_MS,
  MAX_JWKS_BYTES,
  RemoteKeySets,
} from '../../lambdas/adapters/jwks/remote-key-sets';
import { KeySetUnavailable } from '../../lambdas/operations/credentials/oauth-ports';
import { signAssertion, signingKey, startJwksServer, type JwksServer, type SigningKey } from '../support/jwks-server';

const claims = { iss: 'https://issuer.example', aud: 'app', sub: 'principal' };

describe('RemoteKeySets: the JWKS fetch (loopback server, nothing leaves 127.0.0.1)', () => {
  let server: JwksServer;
  let first: SigningKey;
  let rotated: SigningKey;

  beforeAll(async () => {
    first = await signingKey('k-1');
    rotated = await signingKey('k-2', 'ES256');
    server = await startJwksServer([first.jwk]);
  });

  afterAll(async () => {
    jest.useRealTimers();
    await server.stop();
  });

  /** Fakes only the date (jose's cache reads Date.now); timers stay real, so fetches and time boxes run. */
  function fakeDate(): void {
    jest.useFakeTimers({
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
        'nextTick',
        'queueMicrotask',
        'performance',
      ],
    });
    jest.setSystemTime(new Date('2026-11-24T10:00:00Z'));
  }

  async function keyFor(keySets: RemoteKeySets, url: string, key: SigningKey) {
    const token = await signAssertion(key, claims);
    return keySets.keySetFor(url)(
      decodeProtectedHeader(token) as Parameters<ReturnType<RemoteKeySets['keySetFor']>>[0],
      { payload: '', signature: '' } as never,
    );
  }

  it('fetches once, serves later keys from its cache, and re-fetches for an unknown kid at most once a minute', async () => {
    fakeDate();
    const keySets = new RemoteKeySets({ allowLoopbackHttp: true });
    const url = `${server.baseUrl}/keys`;
    const fetchesBefore = server.fetches.get('/keys') ?? 0;

    await keyFor(keySets, url, first);
    await keyFor(keySets, url, first);
    server.keys.push(rotated.jwk);
    const soon = await keyFor(keySets, url, rotated).then(
      () => 'found',
      (error: Error) => error.name,
    );
    jest.setSystemTime(Date.now() + JWKS_REFETCH_INTERVAL_MS + 1_000);
    const later = await keyFor(keySets, url, rotated).then(() => 'found');

    expect(soon).toBe('JWKSNoMatchingKey');
    expect(later).toBe('found');
    expect((server.fetches.get('/keys') ?? 0) - fetchesBefore).toBe(2);
    jest.useRealTimers();
  });

  it('gives up on a key endpoint that never answers within its time box', async () => {
    const keySets = new RemoteKeySets({ allowLoopbackHttp: true, timeoutMs: 200 });

    const error = await keyFor(keySets, `${server.baseUrl}/hang`, first).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KeySetUnavailable);
    expect((error as Error).message).toMatch(/no answer within 200 ms/);
  });

  it('refuses an answer larger than MAX_JWKS_BYTES while it streams, even one that holds the right key', async () => {
    const keySets = new RemoteKeySets({ allowLoopbackHttp: true });

    const error = await keyFor(keySets, `${server.baseUrl}/oversized`, first).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KeySetUnavailable);
    expect((error as Error).message).toBe(`the answer is larger than ${MAX_JWKS_BYTES / 1024} KB.`);
  });

  it('remembers a failed fetch for JWKS_FAILURE_MEMORY_MS: assertions meanwhile fail at once, without fetching, and the next one after it fetches again', async () => {
    fakeDate();
    const keySets = new RemoteKeySets({ allowLoopbackHttp: true });
    const url = `${server.baseUrl}/missing`;
    const fetchesBefore = server.fetches.get('/missing') ?? 0;
    const attempt = () =>
      keyFor(keySets, url, first).then(
        () => new Error('a key was found'),
        (caught: unknown) => caught as Error,
      );

    const failures = [await attempt(), await attempt(), await attempt()];
    const fetchesWhileRemembered = (server.fetches.get('/missing') ?? 0) - fetchesBefore;
    jest.setSystemTime(Date.now() + JWKS_FAILURE_MEMORY_MS + 1);
    await attempt();
    jest.useRealTimers();

    expect(failures.map((error) => error.message)).toEqual(
      Array<string>(3).fill('the key endpoint answered HTTP 404, not 200.'),
    );
    expect(failures.every((error) => error instanceof KeySetUnavailable)).toBe(true);
    expect(fetchesWhileRemembered).toBe(1);
    expect((server.fetches.get('/missing') ?? 0) - fetchesBefore).toBe(2);
  });

  it('names the HTTP status of a key endpoint that does not answer 200', async () => {
    const keySets = new RemoteKeySets({ allowLoopbackHttp: true });

    const error = await keyFor(keySets, `${server.baseUrl}/missing`, first).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KeySetUnavailable);
    expect((error as Error).message).toBe('the key endpoint answered HTTP 404, not 200.');
  });

  it('refuses plain http:// off loopback, and on loopback unless local mode allows it, without fetching', async () => {
    const fetchesBefore = server.fetches.get('/keys') ?? 0;

    const strict = await keyFor(new RemoteKeySets({ allowLoopbackHttp: false }), `${server.baseUrl}/keys`, first).catch(
      (caught: unknown) => caught,
    );

    expect(strict).toBeInstanceOf(KeySetUnavailable);
    expect(server.fetches.get('/keys') ?? 0).toBe(fetchesBefore);
    expect(isFetchableJwksUrl('https://login.microsoftonline.com/common/discovery/v2.0/keys', false)).toBe(true);
    expect(isFetchableJwksUrl('http://login.microsoftonline.com/keys', true)).toBe(false);
    expect(isFetchableJwksUrl('http://127.0.0.1:9001/keys', false)).toBe(false);
    expect(isFetchableJwksUrl('http://127.0.0.1:9001/keys', true)).toBe(true);
    expect(isFetchableJwksUrl('https://user:pass@issuer.example/keys', false)).toBe(false);
    expect(isFetchableJwksUrl('file:///etc/passwd', true)).toBe(false);
    expect(isFetchableJwksUrl('not a url', true)).toBe(false);
  });
});
