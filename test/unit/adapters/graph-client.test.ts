import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphHttpClient, retryAfterMs } from '../../../lambdas/adapters/graph/graph-client';
import { ResyncRequired, SyncError } from '../../../lambdas/sync/errors';
import { FakeGraph } from '../../support/fake-graph';

describe('GraphHttpClient against a loopback Graph and token endpoint', () => {
  let graph: FakeGraph;
  let waits: number[];

  beforeEach(async () => {
    graph = await new FakeGraph({ pageSize: 2 }).start();
    for (let index = 0; index < 5; index += 1)
      graph.addUser({
        id: `u${index}`,
        userPrincipalName: `u${index}@c.example`,
        accountEnabled: true,
        department: 'Sales',
        secretNote: 'not selected',
      });
    waits = [];
  });

  afterEach(async () => {
    await graph.stop();
  });

  const client = (overrides: Partial<{ secret: string; tenant: string; maxAttempts: number }> = {}) =>
    new GraphHttpClient(
      {
        graphUrl: graph.url,
        loginUrl: graph.url,
        entraTenantId: overrides.tenant ?? graph.entraTenantId,
        clientId: graph.clientId,
      },
      overrides.secret ?? graph.clientSecret,
      {
        sleep: async (ms) => void waits.push(ms),
        random: () => 0.5,
        ...(overrides.maxAttempts ? { maxAttempts: overrides.maxAttempts } : {}),
      },
    );
  const start = () => `${graph.url}/v1.0/users/delta?$select=id,userPrincipalName,accountEnabled,department`;

  async function drain(source: GraphHttpClient, url: string) {
    const items: Array<Record<string, unknown>> = [];
    let next: string | undefined = url;
    let deltaLink: string | undefined;
    while (next) {
      const page = await source.page(next);
      items.push(...page.value);
      next = page.nextLink;
      deltaLink = page.deltaLink;
    }
    return { items, deltaLink };
  }

  it('signs in once, follows nextLink to the deltaLink, and gets only the $select-ed properties', async () => {
    const source = client();

    const { items, deltaLink } = await drain(source, start());

    expect(items.map((item) => item.id)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    expect(items.every((item) => !('secretNote' in item))).toBe(true);
    expect(deltaLink).toContain('$deltatoken=');
    expect(graph.requests).toMatchObject({ token: 1, users: 3 });
    expect(source.stats.requests).toBe(4);
  });

  it('continues from the deltaLink with only what changed, @removed included', async () => {
    const source = client();
    const { deltaLink } = await drain(source, start());
    graph.updateUser('u1', { department: null });
    graph.deleteUser('u2', 'deleted');
    graph.deleteUser('u3', 'changed');

    const { items } = await drain(source, deltaLink as string);

    expect(items).toEqual([
      { id: 'u1', userPrincipalName: 'u1@c.example', accountEnabled: true, department: null },
      { id: 'u2', '@removed': { reason: 'deleted' } },
      { id: 'u3', '@removed': { reason: 'changed' } },
    ]);
  });

  it('waits Retry-After on 429 and 503, backs off with jitter without it, and retries the same page', async () => {
    graph.throttle(1, 7);
    graph.fail({ match: 'users', respond: (response) => response.writeHead(503, { 'Retry-After': '2' }).end() });
    graph.throttle(1);
    graph.fail({ match: 'users', respond: (response) => response.writeHead(500).end('{}') });
    const source = client();

    const { items } = await drain(source, start());

    expect(items).toHaveLength(5);
    // Full jitter with random 0.5: half of 1 s·2^(n-1) on the 3rd and 4th tries.
    expect(waits).toEqual([7_000, 2_000, 2_000, 4_000]);
    expect(source.stats.throttled).toBe(3);
  });

  it('fails with "throttled" when Graph keeps answering 429 past the attempt budget', async () => {
    graph.throttle(3, 1);

    await expect(client({ maxAttempts: 3 }).page(start())).rejects.toMatchObject({ code: 'throttled' });
    expect(waits).toEqual([1_000, 1_000]);
  });

  it('retries a request that did not reach Graph (network fault), then gives up with graphUnavailable', async () => {
    let calls = 0;
    const flaky = new GraphHttpClient(
      { graphUrl: graph.url, loginUrl: graph.url, entraTenantId: graph.entraTenantId, clientId: graph.clientId },
      graph.clientSecret,
      {
        sleep: async (ms) => void waits.push(ms),
        random: () => 0.5,
        maxAttempts: 2,
        fetch: async (input, init) => {
          calls += 1;
          if (calls === 2) throw new TypeError('fetch failed');
          return fetch(input, init);
        },
      },
    );
    const down = new GraphHttpClient(
      { graphUrl: graph.url, loginUrl: graph.url, entraTenantId: graph.entraTenantId, clientId: graph.clientId },
      graph.clientSecret,
      {
        sleep: async () => undefined,
        maxAttempts: 2,
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      },
    );

    const page = await flaky.page(start());

    expect(page.value).toHaveLength(2);
    await expect(down.page(start())).rejects.toMatchObject({ code: 'graphUnavailable' });
  });

  it('signs in again once when Graph rejects the access token', async () => {
    graph.fail({
      match: 'users',
      respond: (response) =>
        response
          .writeHead(401, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"InvalidAuthenticationToken"}}'),
    });
    const source = client();

    const page = await source.page(start());

    expect(page.value).toHaveLength(2);
    expect(graph.requests.token).toBe(2);
  });

  it("raises ResyncRequired with Graph's Location on 410, and on 400 syncStateNotFound", async () => {
    const source = client();
    const { deltaLink } = await drain(source, start());
    graph.expireDeltaTokens();
    graph.fail({
      match: 'users',
      respond: (response) =>
        response
          .writeHead(400, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"syncStateNotFound","message":"gone"}}'),
    });

    const gone = await source.page(deltaLink as string).catch((error: unknown) => error);
    const expired = await source.page(deltaLink as string).catch((error: unknown) => error);

    expect(gone).toBeInstanceOf(ResyncRequired);
    expect(expired).toBeInstanceOf(ResyncRequired);
    expect((expired as ResyncRequired).location).toBe(
      `${graph.url}/v1.0/users/delta?$select=id,userPrincipalName,accountEnabled,department`,
    );
  });

  it.each([
    [
      'an expired secret (AADSTS7000222)',
      () => (graph.secretState = 'expired'),
      {},
      'secretExpired',
      /has expired \(AADSTS7000222\)/,
    ],
    [
      'a wrong secret (AADSTS7000215)',
      () => undefined,
      { secret: 'wrong-secret-value' },
      'invalidClient',
      /AADSTS7000215/,
    ],
    [
      'an unknown tenant (AADSTS90002)',
      () => undefined,
      { tenant: 'nowhere.onmicrosoft.com' },
      'tenantNotFound',
      /no tenant "nowhere.onmicrosoft.com"/,
    ],
  ])('explains %s without echoing the secret', async (_name, arrange, overrides, code, message) => {
    arrange();

    const error = (await client(overrides)
      .page(start())
      .catch((caught: unknown) => caught)) as SyncError;

    expect(error).toBeInstanceOf(SyncError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(graph.clientSecret);
    expect(error.message).not.toContain('wrong-secret-value');
  });

  it('retries the token endpoint when it is busy, and names an unknown application or another sign-in failure', async () => {
    graph.fail({ match: 'token', respond: (response) => response.writeHead(503, { 'Retry-After': '1' }).end() });
    const busy = await client().page(start());
    const unknownApp = new GraphHttpClient(
      {
        graphUrl: graph.url,
        loginUrl: graph.url,
        entraTenantId: graph.entraTenantId,
        clientId: '00000000-0000-0000-0000-000000000001',
      },
      graph.clientSecret,
      { sleep: async () => undefined },
    );
    graph.fail({
      match: 'token',
      respond: (response) =>
        response
          .writeHead(400, { 'Content-Type': 'application/json' })
          .end('{"error":"invalid_request","error_description":"AADSTS50059: No tenant-identifying information."}'),
    });

    const other = await client()
      .page(start())
      .catch((error: unknown) => error);

    expect(busy.value).toHaveLength(2);
    expect(waits).toEqual([1_000]);
    await expect(unknownApp.page(start())).rejects.toMatchObject({
      code: 'invalidClient',
      message: expect.stringMatching(/AADSTS700016/),
    });
    expect(other).toMatchObject({
      code: 'invalidClient',
      message: expect.stringMatching(/400 invalid_request AADSTS50059/),
    });
  });

  it('fails with unauthorized when Graph rejects a fresh token too', async () => {
    const reject = {
      match: 'users' as const,
      respond: (response: ServerResponse) => response.writeHead(401).end('{}'),
    };
    graph.fail(reject);
    graph.fail(reject);

    await expect(client().page(start())).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('explains a consent not granted (403) with the permissions to grant', async () => {
    graph.consentGranted = false;

    await expect(client().page(start())).rejects.toMatchObject({
      code: 'consentNotGranted',
      message: expect.stringMatching(/User\.Read\.All and GroupMember\.Read\.All/),
    });
  });

  it('fails on a page that is not JSON, or that has neither nextLink nor deltaLink', async () => {
    graph.fail({
      match: 'users',
      respond: (response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>proxy error</html>'),
    });
    graph.fail({
      match: 'users',
      respond: (response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"value":[]}'),
    });
    const source = client();

    await expect(source.page(start())).rejects.toMatchObject({ code: 'graphPageNotJson' });
    await expect(source.page(start())).rejects.toMatchObject({ code: 'missingDeltaLink' });
  });

  it('refuses a link to another origin, and plain http to anything but this machine', async () => {
    const source = client();

    await expect(source.page('https://evil.example/v1.0/users/delta')).rejects.toMatchObject({ code: 'untrustedLink' });
    expect(
      () =>
        new GraphHttpClient(
          { graphUrl: 'http://graph.example', loginUrl: graph.url, entraTenantId: 'x', clientId: 'y' },
          's',
        ),
    ).toThrow(/not https/);
    expect(graph.requests.users).toBe(0);
  });

  it('refuses a page whose nextLink or deltaLink points at another origin, before the link can be followed or kept', async () => {
    const foreign = (link: '@odata.nextLink' | '@odata.deltaLink') => ({
      match: 'users' as const,
      respond: (response: ServerResponse) =>
        response
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ value: [], [link]: 'https://evil.example/v1.0/users/delta?$skiptoken=x' })),
    });
    graph.fail(foreign('@odata.nextLink'));
    graph.fail(foreign('@odata.deltaLink'));
    const source = client();

    await expect(source.page(start())).rejects.toMatchObject({
      code: 'untrustedLink',
      message: expect.stringContaining('https://evil.example'),
    });
    await expect(source.page(start())).rejects.toMatchObject({ code: 'untrustedLink' });
  });

  it.each(['token', 'users'] as const)(
    'does not follow a redirect of the %s request (the secret and the access token stay with the configured hosts)',
    async (match) => {
      const elsewhere: string[] = [];
      const other = createServer((request, response) => {
        elsewhere.push(`${request.method} ${request.url}`);
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"x","value":[]}');
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/stolen`;
      graph.fail({ match, respond: (response) => response.writeHead(307, { Location: location }).end() });

      const result = client()
        .page(start())
        .finally(() => new Promise((resolve) => other.close(resolve)));

      await expect(result).rejects.toMatchObject({
        code: match === 'token' ? 'invalidClient' : 'graphError',
        message: expect.stringContaining('redirect'),
      });
      expect(elsewhere).toEqual([]);
    },
  );

  it("fails with graphError on another status, naming Graph's error code", async () => {
    graph.fail({
      match: 'users',
      respond: (response) =>
        response
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"error":{"code":"Request_ResourceNotFound"}}'),
    });

    await expect(client().page(start())).rejects.toMatchObject({
      code: 'graphError',
      message: expect.stringContaining('404 Request_ResourceNotFound'),
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');

    expect(retryAfterMs('12', now)).toBe(12_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
