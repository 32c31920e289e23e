import { randomUUID } from 'node:crypto';
import { runCli, type CliIo } from '../../lambdas/admin/cli';
import { CSRF_HEADER, SESSION_COOKIE } from '../../lambdas/contracts/portal';
import { describeConnection } from '../../lambdas/operations/connection/connection-view';
import { signLink } from '../../lambdas/tenancy/portal-link';
import { getWiring } from '../../lambdas/wiring';
import { scim, useTestService } from '../support/local-service';

interface Call {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

describe('the connection API and the page API over the local server', () => {
  const service = useTestService();
  let origin: string;

  beforeAll(async () => {
    origin = new URL(service.baseUrl).origin;
  });

  async function admin(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line), dataDir: service.dataDir };
    const code = await runCli(['--local', ...args], io);
    return { code, out, err: err.join('\n') };
  }

  async function call(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Call> {
    const response = await fetch(`${origin}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: json };
  }

  async function newTenant(): Promise<{ id: string; token: string }> {
    const id = `conn-${randomUUID().slice(0, 8)}`;
    const created = await admin('tenant', 'create', id, '--name', 'Conn Inc', '--json');
    expect(created.code).toBe(0);
    return { id, token: (JSON.parse(created.out.join('\n')) as { token: string }).token };
  }

  async function linkOf(tenantId: string, ...extra: string[]): Promise<string> {
    const printed = await admin('portal', 'link', tenantId, ...extra);
    expect(printed.code).toBe(0);
    expect(printed.out).toHaveLength(1);
    const url = /^Portal: (\S+)$/.exec(printed.out[0] ?? '')?.[1];
    if (!url) throw new Error(`no Portal line in ${printed.out.join('\n')}`);
    return url;
  }

  /** Opens a link as a browser would and returns the session cookie it set, or undefined. */
  async function open(url: string): Promise<{ status: number; cookie?: string; location?: string; setCookie: string }> {
    const response = await fetch(url, { redirect: 'manual' });
    const setCookie = response.headers.get('set-cookie') ?? '';
    const cookie = new RegExp(`${SESSION_COOKIE}=([^;]+);`).exec(setCookie)?.[1];
    return {
      status: response.status,
      setCookie,
      ...(cookie ? { cookie } : {}),
      ...(response.headers.get('location') ? { location: response.headers.get('location') as string } : {}),
    };
  }

  /** A signed-in page client: session cookie, and CSRF token plus Origin on writes. */
  async function session(tenantId: string) {
    const opened = await open(await linkOf(tenantId));
    if (!opened.cookie) throw new Error('the link set no session cookie');
    const cookie = `${SESSION_COOKIE}=${opened.cookie}`;
    const info = await call('GET', `/portal/${tenantId}/api/session`, { headers: { Cookie: cookie } });
    expect(info.status).toBe(200);
    const csrf = info.body.csrfToken as string;
    return {
      cookie,
      csrf,
      get: (path: string, on = tenantId) => call('GET', `/portal/${on}/api${path}`, { headers: { Cookie: cookie } }),
      send: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        call(method, `/portal/${tenantId}/api${path}`, {
          body,
          headers: { Cookie: cookie, [CSRF_HEADER]: csrf, Origin: origin, ...headers },
        }),
    };
  }

  describe('setup links', () => {
    it('prints exactly one "Portal: <url>" line whose link opens a session on the page and leaves the address bar', async () => {
      const { id } = await newTenant();
      const url = await linkOf(id, '--expires-in', '2d');

      const opened = await open(url);

      expect(url).toMatch(new RegExp(`^${origin}/portal/${id}/open\\?link=spl1\\.`));
      expect(opened.status).toBe(303);
      expect(opened.location).toBe(`${origin}/portal/${id}`);
      expect(opened.setCookie).toMatch(/; Path=\/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict$/);
      expect(opened.cookie).toMatch(/^sps1\./);
    });

    it('refuses a link with one character changed, an expired link, a link of another tenant and a revoked link, and sets no session', async () => {
      const { id } = await newTenant();
      const { id: other } = await newTenant();
      const url = await linkOf(id);
      const secret = new URL(url).searchParams.get('link') ?? '';
      const index = secret.length - 5;
      const tampered = `${url.slice(0, url.length - 5)}${secret[index] === 'A' ? 'B' : 'A'}${url.slice(url.length - 4)}`;
      const ring = await getWiring().deps.tokenKeys.getKeyRing();
      const expired = signLink(id, 0, 60, ring, new Date(Date.now() - 3_600_000)).secret;
      const foreign = (await linkOf(other)).replace(`/portal/${other}/`, `/portal/${id}/`);

      const results = [
        await open(tampered),
        await open(`${origin}/portal/${id}/open?link=${expired}`),
        await open(foreign),
        await open(`${origin}/portal/${id}/open`),
      ];
      const beforeRevoke = await open(url);
      const revoked = await admin('portal', 'revoke', id);
      const afterRevoke = await open(url);

      for (const result of results) {
        expect(result.status).toBe(401);
        expect(result.cookie).toBeUndefined();
      }
      expect(beforeRevoke.status).toBe(303);
      expect(revoked.code).toBe(0);
      expect(revoked.out[0]).toContain('revoked');
      expect(afterRevoke.status).toBe(401);
      expect(afterRevoke.cookie).toBeUndefined();
      expect(afterRevoke.setCookie).toContain('Max-Age=0');
    });

    it('refuses lifetimes past 30 days and unknown tenants', async () => {
      const tooLong = await admin('portal', 'link', 'demo', '--expires-in', '31d');
      const unknown = await admin('portal', 'link', 'no-such-tenant');

      expect(tooLong).toMatchObject({ code: 1, err: 'Error: --expires-in: A setup link lives at most 30 days.' });
      expect(unknown).toMatchObject({ code: 1, err: 'Error: Tenant "no-such-tenant" does not exist.' });
    });
  });

  describe('portal sessions', () => {
    it('never read another tenant, whatever the URL says', async () => {
      const { id } = await newTenant();
      const client = await session(id);

      const own = await client.get('/connection');
      const demo = await client.get('/connection', 'demo');
      const demoLog = await client.get('/log', 'demo');

      expect(own.status).toBe(200);
      expect(own.body.tenantId).toBe(id);
      expect(demo.status).toBe(401);
      expect(demoLog.status).toBe(401);
      expect(JSON.stringify(demo.body)).not.toContain('Demo tenant');
    });

    it('refuse a missing, tampered or link-shaped cookie, and end at once on revoke', async () => {
      const { id } = await newTenant();
      const client = await session(id);
      const value = client.cookie.split('=')[1] ?? '';
      const tampered = `${SESSION_COOKIE}=${value.slice(0, -3)}${value.at(-3) === 'A' ? 'B' : 'A'}${value.slice(-2)}`;
      const link = new URL(await linkOf(id)).searchParams.get('link');

      const none = await call('GET', `/portal/${id}/api/connection`);
      const forged = await call('GET', `/portal/${id}/api/connection`, { headers: { Cookie: tampered } });
      const linkAsCookie = await call('GET', `/portal/${id}/api/connection`, {
        headers: { Cookie: `${SESSION_COOKIE}=${link}` },
      });
      const before = await client.get('/connection');
      await admin('portal', 'revoke', id);
      const after = await client.get('/connection');

      expect([none.status, forged.status, linkAsCookie.status, before.status, after.status]).toEqual([
        401, 401, 401, 200, 401,
      ]);
      expect(after.body.detail).toMatch(/Open your setup link again/);
    });

    it('refuse writes without the CSRF token, with a wrong one, or from another origin, and change nothing', async () => {
      const { id } = await newTenant();
      const client = await session(id);
      const body = { label: 'csrf', expiresInDays: 30 };

      const missing = await call('POST', `/portal/${id}/api/tokens`, {
        body,
        headers: { Cookie: client.cookie, Origin: origin },
      });
      const wrong = await client.send('POST', '/tokens', body, { [CSRF_HEADER]: 'x'.repeat(43) });
      const crossOrigin = await client.send('POST', '/tokens', body, { Origin: 'https://evil.example' });
      const noOrigin = await call('POST', `/portal/${id}/api/tokens`, {
        body,
        headers: { Cookie: client.cookie, [CSRF_HEADER]: client.csrf },
      });
      const crossSite = await client.send('POST', '/tokens', body, { 'Sec-Fetch-Site': 'cross-site' });
      const tokens = await client.get('/tokens');
      const refusals = await client.get('/log?status=403');

      expect([missing.status, wrong.status, crossOrigin.status, noOrigin.status, crossSite.status]).toEqual([
        403, 403, 403, 403, 403,
      ]);
      expect(missing.body.detail).toContain(CSRF_HEADER);
      expect(
        refusals.body.entries.map((entry: any) => [entry.operation, entry.actor, entry.detail === undefined]),
      ).toEqual(Array(5).fill(['issueConnectionToken', 'portal', false]));
      expect(tokens.body.tokens).toHaveLength(1);
    });
  });

  describe('the connection', () => {
    it('answers the same facts as scim-admin tenant show, through IAM and through the page', async () => {
      const { id, token } = await newTenant();
      const tenantUrl = `${service.baseUrl}/${id}`;
      await scim(`${tenantUrl}/Users`, token, { method: 'POST', body: { userName: 'ada@conn.example' } });
      await scim(`${tenantUrl}/Users`, token, { method: 'POST', body: { userName: 'ada@conn.example' } });
      const client = await session(id);

      const shown = JSON.parse((await admin('tenant', 'show', id, '--json')).out.join('\n'));
      const api = await call('GET', `/connections/v1/${id}`);
      const page = await client.get('/connection');

      expect(api.status).toBe(200);
      expect(api.body).toEqual(shown);
      expect(page.body).toEqual(shown);
      expect(shown).toMatchObject({
        tenantId: id,
        status: 'connected',
        tenantUrl,
        users: 1,
        groups: 0,
        failuresLast24h: 1,
        failuresCapped: false,
      });
      expect(shown.lastRequestAt).not.toBeNull();
      expect(shown.tokens[0]).not.toHaveProperty('digest');
    });

    it('is a 404 through IAM for an unknown tenant', async () => {
      const unknown = await call('GET', '/connections/v1/no-such-tenant');

      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ status: 404, detail: 'Tenant "no-such-tenant" not found.' });
    });

    it('lists OAuth clients and federation, and lets other extensions add their fields to the view', async () => {
      const { id } = await newTenant();
      const tenant = await getWiring().deps.tenants.getTenant(id);
      if (!tenant) throw new Error('tenant missing');

      const view = await describeConnection(getWiring().deps, tenant, 'https://x/scim/v2/x', [
        (record) => ({ extra: [{ tenant: record.tenantId }] }),
      ]);
      const plain = await describeConnection(getWiring().deps, tenant, `https://x/scim/v2/${id}`);

      expect(view.extra).toEqual([{ tenant: id }]);
      expect(plain).toMatchObject({ tokenUrl: `https://x/oauth2/v1/${id}/token`, oauthClients: [], federation: null });
    });
  });

  describe('tokens through the page', () => {
    it('issues a token shown once that works on the Tenant URL, lists it without secrets, and revokes it so it stops', async () => {
      const { id } = await newTenant();
      const client = await session(id);
      const tenantUrl = `${service.baseUrl}/${id}`;

      const issued = await client.send('POST', '/tokens', { label: '<b>Entra</b> & "prod"', expiresInDays: 90 });
      const works = await scim(`${tenantUrl}/Users`, issued.body.token);
      const listed = await client.get('/tokens');
      const revoked = await client.send('DELETE', `/tokens/${issued.body.tokenId}`);
      const stopped = await scim(`${tenantUrl}/Users`, issued.body.token);
      const log = await client.get('/log?operation=issueToken');

      expect(issued.status).toBe(201);
      expect(issued.body).toMatchObject({ label: '<b>Entra</b> & "prod"', tenantUrl });
      expect(issued.headers.get('cache-control')).toBe('no-store');
      expect(works.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);
      expect(listed.body.tokens.map((token: any) => token.label)).toContain('<b>Entra</b> & "prod"');
      expect(revoked.status).toBe(200);
      expect(stopped.status).toBe(401);
      expect(log.body.entries[0]).toMatchObject({
        operation: 'issueToken',
        status: 201,
        actor: 'portal',
        resourceId: issued.body.tokenId,
      });
      expect(JSON.stringify(log.body)).not.toContain(issued.body.token);
    });

    it('refuses a 10 KB label, a missing label, a bad expiry and a third live token, changing nothing', async () => {
      const { id } = await newTenant();
      const client = await session(id);

      const huge = await client.send('POST', '/tokens', { label: 'x'.repeat(10_240) });
      const missing = await client.send('POST', '/tokens', {});
      const badExpiry = await client.send('POST', '/tokens', { label: 'a', expiresInDays: 'soon' });
      const second = await client.send('POST', '/tokens', { label: 'second' });
      const third = await client.send('POST', '/tokens', { label: 'third' });
      const notJson = await client.send('POST', '/tokens', '{label');
      const tokens = await client.get('/tokens');

      expect(huge).toMatchObject({
        status: 400,
        body: { error: 'invalidValue', detail: 'label is 10240 characters long; the limit is 200.' },
      });
      expect(missing.status).toBe(400);
      expect(badExpiry.status).toBe(400);
      expect(second.status).toBe(201);
      expect(third.status).toBe(409);
      expect(third.body.detail).toMatch(/already 2 live tokens/);
      expect(notJson.status).toBe(400);
      expect(tokens.body.tokens.map((token: any) => token.label).sort()).toEqual(['default', 'second']);
    });

    it('is a 404 to revoke a token that does not exist', async () => {
      const { id } = await newTenant();
      const client = await session(id);

      expect((await client.send('DELETE', '/tokens/nope')).status).toBe(404);
    });
  });

  describe('the provisioning log', () => {
    it('filters by status, operation and time, pages with a cursor, and calls a non-date a 400', async () => {
      const { id, token } = await newTenant();
      const tenantUrl = `${service.baseUrl}/${id}`;
      for (const name of ['a', 'b', 'c'])
        await scim(`${tenantUrl}/Users`, token, { method: 'POST', body: { userName: `${name}@log.example` } });
      await scim(`${tenantUrl}/Users`, token, { method: 'POST', body: { userName: 'a@log.example' } });
      const client = await session(id);

      const failed = await client.get('/log?status=failed');
      const exact = await client.get('/log?status=409');
      const created = await client.get('/log?operation=User%20Created');
      const future = await client.get(`/log?since=${new Date(Date.now() + 86_400_000).toISOString()}`);
      const firstPage = await client.get('/log?operation=User%20Created&limit=2');
      const secondPage = await client.get(`/log?operation=User%20Created&limit=2&cursor=${firstPage.body.nextCursor}`);
      const day = String(exact.body.entries[0]?.at).slice(0, 10);
      const today = await client.get(`/log?status=409&since=${day}&until=${day}`);
      const notDate = await client.get('/log?since=yesterday');
      const notDay = await client.get('/log?until=2026-02-30');
      const notDateIam = await call('GET', `/connections/v1/${id}/log?until=2026-13-45`);
      const badStatus = await client.get('/log?status=oops');
      const badCursor = await client.get('/log?cursor=garbage');

      expect(failed.body.entries.map((entry: any) => entry.status)).toEqual([409]);
      expect(exact.body.entries).toHaveLength(1);
      expect(created.body.entries.map((entry: any) => entry.name)).toEqual([
        'c@log.example',
        'b@log.example',
        'a@log.example',
      ]);
      expect(future.body.entries).toEqual([]);
      expect(firstPage.body.entries).toHaveLength(2);
      expect(secondPage.body.entries.map((entry: any) => entry.name)).toEqual(['a@log.example']);
      expect(secondPage.body.nextCursor).toBeUndefined();
      expect(notDate).toMatchObject({ status: 400, body: { error: 'invalidValue' } });
      expect(notDate.body.detail).toBe(
        'since "yesterday" is not a date: use an ISO date or time such as 2026-12-01 or 2026-12-01T09:00:00Z.',
      );
      expect(today.body.entries.map((entry: any) => entry.status)).toEqual([409]);
      expect(notDay).toMatchObject({ status: 400, body: { error: 'invalidValue' } });
      expect(notDateIam.status).toBe(400);
      expect(badStatus.status).toBe(400);
      expect(badCursor).toMatchObject({ status: 400, body: { error: 'invalidCursor' } });
    });
  });

  describe('settings, connection state and test connection', () => {
    it("changes a field's owner and a mapping, refuses bad ones, and logs each change with its actor", async () => {
      const { id } = await newTenant();
      const client = await session(id);

      const owner = await client.send('PUT', '/settings/policy', {
        default: 'directory',
        fields: { mobilePhone: 'user' },
      });
      const viaIam = await call('PATCH', `/connections/v1/${id}/settings/mapping`, {
        body: { mapping: { pronouns: 'urn:ietf:params:scim:schemas:extension:conn:2.0:User:pronouns' } },
      });
      const badOwner = await client.send('PUT', '/settings/policy', { default: 'everyone' });
      const badField = await client.send('PUT', '/settings/policy', { default: 'user', fields: { shoeSize: 'user' } });
      const badPath = await client.send('PATCH', '/settings/mapping', { mapping: { title: 'no such attribute[' } });
      const settings = await client.get('/settings');
      const shown = JSON.parse((await admin('policy', 'show', id, '--json')).out.join('\n'));
      const log = await client.get('/log');

      expect(owner.status).toBe(200);
      expect(viaIam.status).toBe(200);
      expect([badOwner.status, badField.status, badPath.status]).toEqual([400, 400, 400]);
      expect(settings.body.fields.find((field: any) => field.name === 'mobilePhone')).toMatchObject({
        owner: 'user',
        ownerIsDefault: false,
      });
      expect(settings.body.fields.find((field: any) => field.name === 'pronouns')).toMatchObject({
        mapping: 'urn:ietf:params:scim:schemas:extension:conn:2.0:User:pronouns',
      });
      expect(shown.owners.mobilePhone).toBe('user');
      expect(
        log.body.entries
          .filter((entry: any) => entry.status === 200)
          .map((entry: any) => [entry.operation, entry.actor]),
      ).toEqual([
        ['setMapping', 'api'],
        ['setPolicy', 'portal'],
      ]);
    });

    it('disconnects (the token stops) and reconnects with a new token that works', async () => {
      const { id, token } = await newTenant();
      const client = await session(id);
      const tenantUrl = `${service.baseUrl}/${id}`;

      const disconnected = await client.send('POST', '/disconnect');
      const again = await client.send('POST', '/disconnect');
      const refused = await scim(`${tenantUrl}/Users`, token);
      const issueWhileDown = await client.send('POST', '/tokens', { label: 'x' });
      const reconnected = await client.send('POST', '/reconnect');
      const works = await scim(`${tenantUrl}/Users`, reconnected.body.token);

      expect(disconnected.status).toBe(200);
      expect(disconnected.body.status).toBe('disconnected');
      expect(again.status).toBe(409);
      expect(refused.status).toBe(401);
      expect(issueWhileDown.status).toBe(409);
      expect(reconnected.status).toBe(200);
      expect(reconnected.body.connection.status).toBe('connected');
      expect(works.status).toBe(200);
    });

    it('tests the connection by calling the Tenant URL as Entra does, with a good and a wrong token', async () => {
      const { id, token } = await newTenant();
      const client = await session(id);

      const good = await client.send('POST', '/test', { token });
      const wrong = await client.send('POST', '/test', { token: service.token });
      const missing = await client.send('POST', '/test', {});
      const viaIam = await call('POST', `/connections/v1/${id}/test`, { body: { token } });

      expect(good.body).toMatchObject({ ok: true, status: 200 });
      expect(good.body.request).toMatch(/^GET \/Users\?filter=userName eq "[0-9a-f-]{36}"$/);
      expect(good.body.summary).toContain('totalResults 0');
      expect(wrong.body).toMatchObject({ ok: false, status: 401 });
      expect(missing.status).toBe(400);
      expect(viaIam.body.ok).toBe(true);
    });

    it('makes and revokes setup links for the back end over IAM', async () => {
      const { id } = await newTenant();

      const generation = (await getWiring().deps.tenants.getTenant(id))?.portal?.linkGeneration ?? 0;
      const made = await call('POST', `/connections/v1/${id}/portal-links`, { body: { expiresIn: '1h' } });
      const bad = await call('POST', `/connections/v1/${id}/portal-links`, { body: { expiresIn: '90d' } });
      const opened = await open(made.body.url);
      const revoked = await call('DELETE', `/connections/v1/${id}/portal-links`);
      const afterRevoke = await open(made.body.url);

      expect(revoked).toMatchObject({ status: 200, body: { tenantId: id, linkGeneration: generation + 1 } });
      expect(afterRevoke.status).toBe(401);
      expect(made.status).toBe(201);
      expect(Date.parse(made.body.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
      expect(bad.status).toBe(400);
      expect(opened.status).toBe(303);
    });
  });

  describe('the page and its assets', () => {
    it('serves the page shell and its hashed assets with a strict CSP, and nothing else', async () => {
      const page = await call('GET', '/portal/demo');
      const script = /src="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const asset = await call('GET', script);
      const traversal = await call('GET', '/portal-assets/..%2Fmanifest.json');
      const badTenant = await call('GET', '/portal/NOT_A_SLUG');

      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('content-security-policy')).not.toContain('unsafe');
      expect(page.body).not.toContain('Demo tenant');
      expect(page.body).not.toMatch(/<script>/);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(traversal.status).toBe(404);
      expect(badTenant.status).toBe(404);
    });
  });
});
