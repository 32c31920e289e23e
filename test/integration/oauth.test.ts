import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { CLIENT_ASSERTION_TYPE_JWT, GRANT_JWT_BEARER } from '../../lambdas/tenancy/oauth-request';
import { signAssertion, signingKey, startJwksServer, type JwksServer, type SigningKey } from '../support/jwks-server';
import { scim, useTestService } from '../support/local-service';
import { inspectionClient, scanAll, type RawItem } from '../support/table-inspection';
import { USER_SCHEMA } from '../../lambdas/scim/schema/urns';
import { runAdmin } from '../support/admin-cli';

interface TokenCall {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

const ENTRA = '11111111-2222-3333-4444-555555555555';
const ISSUER = `https://login.microsoftonline.com/${ENTRA}/v2.0`;
const SUBJECT = 'aaaaaaaa-0000-4000-8000-000000000001';
const AUDIENCE = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('OAuth 2.0 over the local service: client credentials and workload identity federation', () => {
  const service = useTestService();
  let jwks: JwksServer;
  let entraKey: SigningKey;
  let strangerKey: SigningKey;

  beforeAll(async () => {
    entraKey = await signingKey('entra-key-1');
    strangerKey = await signingKey('stranger');
    jwks = await startJwksServer([entraKey.jwk]);
  });

  afterAll(async () => {
    await jwks?.stop();
  });

  const admin = (...args: string[]) => runAdmin(service, args);
  /** `scim-admin oauth federate` of `tenantId` with Entra's issuer, subject and audience, keys from `jwksUrl`. */
  const federate = (tenantId: string, jwksUrl: string) =>
    admin(
      'oauth',
      'federate',
      tenantId,
      '--issuer',
      ISSUER,
      '--jwks-url',
      jwksUrl,
      '--subject',
      SUBJECT,
      '--audience',
      AUDIENCE,
    );

  function line(output: string, label: string): string {
    const value = new RegExp(`^${label}:\\s+(\\S+)$`, 'm').exec(output)?.[1];
    if (!value) throw new Error(`no "${label}:" line in:\n${output}`);
    return value;
  }

  async function newTenant(prefix: string): Promise<{ id: string; tenantUrl: string; token: string }> {
    const id = `${prefix}-${randomUUID().slice(0, 6)}`;
    const created = await admin('tenant', 'create', id);
    return { id, tenantUrl: line(created.out, 'Tenant URL'), token: line(created.out, 'Secret Token') };
  }

  async function newClient(tenantId: string): Promise<{ clientId: string; clientSecret: string; tokenUrl: string }> {
    const created = await admin('oauth', 'create', tenantId, '--label', 'entra');
    expect(created.code).toBe(0);
    return {
      clientId: line(created.out, 'Client ID'),
      clientSecret: line(created.out, 'Client Secret'),
      tokenUrl: line(created.out, 'Token URL'),
    };
  }

  async function postToken(
    url: string,
    form: Record<string, string> | string,
    headers: Record<string, string> = {},
  ): Promise<TokenCall> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: JSON.parse(text) as Record<string, unknown>,
    };
  }

  const basic = (id: string, secret: string) => ({
    Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
  });
  const probe = (tenantUrl: string, token: string) =>
    scim(`${tenantUrl}/Users?filter=${encodeURIComponent('userName eq "x"')}`, token);
  const table = () => scanAll(inspectionClient(), service.tableName);
  /** Items other than provisioning-log entries (refusals are logged, nothing else may change). */
  const stateOf = (items: RawItem[]) =>
    items
      .filter((item) => !String(item.pk).endsWith('#LOG'))
      .map((item) => JSON.stringify(item))
      .sort();

  function expectOAuthError(call: TokenCall, status: number, error: string): void {
    expect({ status: call.status, error: call.body.error }).toEqual({ status, error });
    expect(typeof call.body.error_description).toBe('string');
    expect(call.body.schemas).toBeUndefined();
    expect(call.headers.get('content-type')).toContain('application/json');
    expect(call.headers.get('cache-control')).toBe('no-store');
    if (status === 401) expect(call.headers.get('www-authenticate')).toMatch(/^Basic /);
  }

  describe('client credentials (RFC 6749 §4.4)', () => {
    it('oauth create → the printed Token URL gives an access token that opens only its own tenant; a wrong secret is invalid_client', async () => {
      const { id, tenantUrl } = await newTenant('cc');
      const { clientId, clientSecret, tokenUrl } = await newClient(id);

      const granted = await postToken(tokenUrl, { grant_type: 'client_credentials' }, basic(clientId, clientSecret));
      const wrong = await postToken(
        tokenUrl,
        { grant_type: 'client_credentials' },
        basic(clientId, `${clientSecret.slice(0, -1)}x`),
      );

      expect(tokenUrl).toBe(`${service.baseUrl.replace(/\/scim\/v2$/, '')}/oauth2/v1/${id}/token`);
      expect(granted.status).toBe(200);
      expect(granted.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'scim',
      });
      expect(granted.headers.get('cache-control')).toBe('no-store');
      const accessToken = granted.body.access_token as string;
      expect((await probe(tenantUrl, accessToken)).status).toBe(200);
      expect((await probe(service.tenantUrl, accessToken)).status).toBe(401);
      expectOAuthError(wrong, 401, 'invalid_client');
    });

    it('accepts client_id and client_secret in the form body, and answers every SCIM route with the token', async () => {
      const { id, tenantUrl } = await newTenant('post');
      const { clientId, clientSecret, tokenUrl } = await newClient(id);

      const granted = await postToken(tokenUrl, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'scim',
      });
      const accessToken = granted.body.access_token as string;
      const created = await scim(`${tenantUrl}/Users`, accessToken, {
        method: 'POST',
        body: { schemas: [USER_SCHEMA], userName: 'ada@oauth.example' },
      });
      const config = await scim(`${tenantUrl}/ServiceProviderConfig`, accessToken);

      expect(granted.status).toBe(200);
      expect(created.status).toBe(201);
      expect(config.status).toBe(200);
    });

    it('gives an expired, malformed or foreign access token the same 401 as a wrong Secret Token', async () => {
      const { id, tenantUrl } = await newTenant('same');
      const other = await newTenant('other');
      const { clientId, clientSecret } = await newClient(other.id);
      const foreign = (
        await postToken(
          `${service.baseUrl.replace(/\/scim\/v2$/, '')}/oauth2/v1/${other.id}/token`,
          { grant_type: 'client_credentials' },
          basic(clientId, clientSecret),
        )
      ).body.access_token as string;
      const [header = '', payload = '', signature = ''] = foreign.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const retargeted = `${header}.${Buffer.from(JSON.stringify({ ...claims, aud: `urn:scim-directory:tenant:${id}` })).toString('base64url')}.${signature}`;
      const expired = `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: 1 })).toString('base64url')}.${signature}`;

      const wrongSecretToken = await probe(tenantUrl, 'scimsk_wrong');
      const answers = await Promise.all(
        [foreign, retargeted, expired, 'a.b.c', `${foreign}x`].map((token) => probe(tenantUrl, token)),
      );

      expect(wrongSecretToken.status).toBe(401);
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual(wrongSecretToken.body);
        expect(answer.headers.get('www-authenticate')).toBe(wrongSecretToken.headers.get('www-authenticate'));
      }
    });

    it('refuses a revoked client at the token endpoint at once', async () => {
      const { id } = await newTenant('revoke');
      const { clientId, clientSecret, tokenUrl } = await newClient(id);

      const revoked = await admin('oauth', 'revoke', id, clientId);
      const refused = await postToken(tokenUrl, { grant_type: 'client_credentials' }, basic(clientId, clientSecret));

      expect(revoked.code).toBe(0);
      expectOAuthError(refused, 401, 'invalid_client');
    });

    it('refuses every bad input with a clear OAuth error, stores nothing, and never answers 5xx', async () => {
      const { id } = await newTenant('bad');
      const other = await newTenant('bad-other');
      const { clientId, clientSecret, tokenUrl } = await newClient(id);
      const otherClient = await newClient(other.id);
      const before = stateOf(await table());

      const cases: Array<[string, Promise<TokenCall>, number, string]> = [
        [
          'a wrong secret',
          postToken(tokenUrl, { grant_type: 'client_credentials' }, basic(clientId, 'scimcs_' + 'A'.repeat(43))),
          401,
          'invalid_client',
        ],
        [
          'an unknown client',
          postToken(tokenUrl, {
            grant_type: 'client_credentials',
            client_id: 'scimci_AAAAAAAAAAAAAAAA',
            client_secret: clientSecret,
          }),
          401,
          'invalid_client',
        ],
        [
          'a client of another tenant',
          postToken(
            tokenUrl,
            { grant_type: 'client_credentials' },
            basic(otherClient.clientId, otherClient.clientSecret),
          ),
          401,
          'invalid_client',
        ],
        [
          'an unknown tenant',
          postToken(
            tokenUrl.replace(`/${id}/`, '/no-such-tenant/'),
            { grant_type: 'client_credentials' },
            basic(clientId, clientSecret),
          ),
          401,
          'invalid_client',
        ],
        [
          'a tenant id that is no slug',
          postToken(
            tokenUrl.replace(`/${id}/`, '/NOT_A_SLUG/'),
            { grant_type: 'client_credentials' },
            basic(clientId, clientSecret),
          ),
          401,
          'invalid_client',
        ],
        [
          'a 1 MB form body',
          postToken(
            tokenUrl,
            `grant_type=client_credentials&pad=${'x'.repeat(1024 * 1024)}`,
            basic(clientId, clientSecret),
          ),
          400,
          'invalid_request',
        ],
        [
          'a JSON body',
          postToken(tokenUrl, '{"grant_type":"client_credentials"}', {
            'Content-Type': 'application/json',
            ...basic(clientId, clientSecret),
          }),
          400,
          'invalid_request',
        ],
        ['no body', postToken(tokenUrl, '', basic(clientId, clientSecret)), 400, 'invalid_request'],
        [
          'the password grant',
          postToken(tokenUrl, { grant_type: 'password', username: 'a', password: 'b' }, basic(clientId, clientSecret)),
          400,
          'unsupported_grant_type',
        ],
        [
          'an unknown scope',
          postToken(tokenUrl, { grant_type: 'client_credentials', scope: 'admin' }, basic(clientId, clientSecret)),
          400,
          'invalid_scope',
        ],
        ['no client authentication', postToken(tokenUrl, { grant_type: 'client_credentials' }), 401, 'invalid_client'],
        [
          'a Secret Token as Bearer',
          postToken(tokenUrl, { grant_type: 'client_credentials' }, { Authorization: `Bearer ${service.token}` }),
          401,
          'invalid_client',
        ],
        [
          'an assertion for a tenant without federation',
          postToken(tokenUrl, {
            grant_type: 'client_credentials',
            client_assertion_type: CLIENT_ASSERTION_TYPE_JWT,
            client_assertion: 'a.b.c',
          }),
          401,
          'invalid_client',
        ],
      ];

      for (const [name, call, status, error] of cases) {
        const answer = await call;
        expect({ name, status: answer.status, error: answer.body.error }).toEqual({ name, status, error });
        expectOAuthError(answer, status, error);
        expect(answer.text).not.toContain(clientSecret);
      }
      expect(stateOf(await table())).toEqual(before);
    });

    it('answers GET on the token endpoint with an OAuth 405, not a SCIM body', async () => {
      const { id } = await newTenant('get');
      const { tokenUrl } = await newClient(id);

      const response = await fetch(tokenUrl);
      const body = (await response.json()) as Record<string, unknown>;

      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(body.error).toBe('invalid_request');
      expect(body.schemas).toBeUndefined();
    });

    it('serves RFC 8414 metadata naming the token endpoint, grants and auth methods', async () => {
      const { id } = await newTenant('meta');
      const { tokenUrl } = await newClient(id);
      const origin = new URL(tokenUrl).origin;

      const response = await fetch(`${origin}/.well-known/oauth-authorization-server/oauth2/v1/${id}`);
      const metadata = (await response.json()) as Record<string, unknown>;

      expect(response.status).toBe(200);
      expect(metadata).toMatchObject({
        issuer: `${origin}/oauth2/v1/${id}`,
        token_endpoint: tokenUrl,
        grant_types_supported: ['client_credentials', GRANT_JWT_BEARER],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      });
    });
  });

  describe('workload identity federation (RFC 7523) with a loopback JWKS', () => {
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: SUBJECT };

    async function federated(
      prefix: string,
      jwksPath = '/keys',
    ): Promise<{ id: string; tenantUrl: string; tokenUrl: string }> {
      const tenant = await newTenant(prefix);
      const result = await federate(tenant.id, `${jwks.baseUrl}${jwksPath}`);
      expect(result.code).toBe(0);
      return { ...tenant, tokenUrl: line(result.out, 'Token URL') };
    }

    const clientAssertion = (assertion: string) => ({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE_JWT,
      client_assertion: assertion,
    });

    it('exchanges an Entra-like client assertion for an access token that works, and only on its tenant', async () => {
      const { tenantUrl, tokenUrl } = await federated('wif');

      const granted = await postToken(tokenUrl, clientAssertion(await signAssertion(entraKey, claims)));

      expect(granted.status).toBe(200);
      expect((await probe(tenantUrl, granted.body.access_token as string)).status).toBe(200);
      expect((await probe(service.tenantUrl, granted.body.access_token as string)).status).toBe(401);
    });

    it('accepts the JWT bearer grant, and answers its bad assertions with invalid_grant', async () => {
      const { tenantUrl, tokenUrl } = await federated('bearer');

      const granted = await postToken(tokenUrl, {
        grant_type: GRANT_JWT_BEARER,
        assertion: await signAssertion(entraKey, claims),
      });
      const refused = await postToken(tokenUrl, {
        grant_type: GRANT_JWT_BEARER,
        assertion: await signAssertion(entraKey, { ...claims, aud: 'wrong' }),
      });

      expect(granted.status).toBe(200);
      expect((await probe(tenantUrl, granted.body.access_token as string)).status).toBe(200);
      expectOAuthError(refused, 400, 'invalid_grant');
    });

    it('refuses every bad assertion with invalid_client, storing nothing but the seen jti of the accepted one', async () => {
      const { tokenUrl } = await federated('wif-bad');
      const now = Math.floor(Date.now() / 1000);
      const replayed = await signAssertion(entraKey, { ...claims, jti: `once-${randomUUID()}` });
      const hs256 = await new SignJWT({ ...claims, iat: now, exp: now + 600, jti: 'h' })
        .setProtectedHeader({ alg: 'HS256', kid: entraKey.kid })
        .sign(new TextEncoder().encode(JSON.stringify(entraKey.jwk)));
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iat: now, exp: now + 600, jti: 'n' })).toString('base64url')}.`;
      expect((await postToken(tokenUrl, clientAssertion(replayed))).status).toBe(200);
      const before = stateOf(await table());

      const cases: Array<[string, string]> = [
        ['signed by an unknown key', await signAssertion(strangerKey, claims)],
        ['alg none', none],
        ['HS256 with the public key as secret', hs256],
        ['a wrong aud', await signAssertion(entraKey, { ...claims, aud: 'another-app' })],
        [
          'a wrong iss',
          await signAssertion(entraKey, { ...claims, iss: 'https://login.microsoftonline.com/other/v2.0' }),
        ],
        ['a wrong sub', await signAssertion(entraKey, { ...claims, sub: 'another-principal' })],
        ['expired', await signAssertion(entraKey, { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
        ['far-future', await signAssertion(entraKey, { ...claims, exp: now + 365 * 24 * 3600 })],
        [
          'issued in the future',
          await signAssertion(entraKey, { ...claims, iat: now + 3600, nbf: now + 3600, exp: now + 7200 }),
        ],
        ['a replayed jti', replayed],
        ['garbage', 'not-a-jwt'],
      ];
      for (const [name, assertion] of cases) {
        const answer = await postToken(tokenUrl, clientAssertion(assertion));
        expect({ name, status: answer.status, error: answer.body.error }).toEqual({
          name,
          status: 401,
          error: 'invalid_client',
        });
        expectOAuthError(answer, 401, 'invalid_client');
      }
      expect(stateOf(await table())).toEqual(before);
    });

    it('answers a hanging, garbage or non-JWKS key endpoint with a clear invalid_client, not a 5xx', async () => {
      for (const path of ['/hang', '/garbage', '/not-jwks']) {
        const { tokenUrl } = await federated(`jwks${path.replace('/', '-')}`, path);

        const answer = await postToken(tokenUrl, clientAssertion(await signAssertion(entraKey, claims)));

        expectOAuthError(answer, 401, 'invalid_client');
        expect(answer.body.error_description).toMatch(/key set could not be used/);
      }
    });

    it('stops new tokens at once after unfederate', async () => {
      const { id, tokenUrl } = await federated('unfed');

      await admin('oauth', 'unfederate', id);
      const refused = await postToken(tokenUrl, clientAssertion(await signAssertion(entraKey, claims)));

      expectOAuthError(refused, 401, 'invalid_client');
    });
  });

  describe('scim-admin oauth', () => {
    it('prints the exact lines, keeps two live clients at most, lists without digests, and shows clients and federation in tenant show', async () => {
      const { id } = await newTenant('cli');
      const first = await admin('oauth', 'create', id, '--label', 'entra', '--expires-in', '365d');
      await admin('oauth', 'create', id);
      const third = await admin('oauth', 'create', id);
      const list = await admin('oauth', 'list', id, '--json');
      await federate(id, `${jwks.baseUrl}/keys`);
      const shown = await admin('tenant', 'show', id);
      const shownJson = JSON.parse((await admin('tenant', 'show', id, '--json')).out) as Record<string, unknown>;

      expect(first.out).toMatch(/^Client ID: +scimci_\S+$/m);
      expect(first.out).toMatch(/^Client Secret: +scimcs_\S+$/m);
      expect(first.out).toMatch(/^Token URL: +http:\/\/127\.0\.0\.1:\d+\/oauth2\/v1\/cli-\w+\/token$/m);
      expect(third.code).toBe(1);
      expect(third.err).toMatch(/already has 2 live OAuth clients .*revoke one first/);
      const clients = JSON.parse(list.out) as Record<string, unknown>[];
      expect(clients.map((client) => [client.label, client.live])).toEqual([
        ['entra', true],
        ['default', true],
      ]);
      expect(list.out).not.toMatch(/digest|scimcs_/i);
      expect(shown.out).toMatch(/^Token URL: +\S+\/oauth2\/v1\/cli-\w+\/token$/m);
      expect(shown.out.match(/^OAuth client: /gm)).toHaveLength(2);
      expect(shown.out).toMatch(
        new RegExp(`^Federation: +issuer ${ISSUER.replace(/[./]/g, '\\$&')} subject ${SUBJECT}`, 'm'),
      );
      expect(shownJson.federation).toMatchObject({ issuer: ISSUER, subject: SUBJECT, audience: AUDIENCE });
      expect(JSON.stringify(shownJson)).not.toMatch(/secretDigest|scimcs_/);
    });

    it('refuses a plain-http JWKS URL off loopback, a missing option, and an unknown client', async () => {
      const { id } = await newTenant('cli-bad');

      const http = await federate(id, 'http://login.example.com/keys');
      const missing = await admin('oauth', 'federate', id, '--issuer', ISSUER);
      const unknown = await admin('oauth', 'revoke', id, 'scimci_nope');
      const noTenant = await admin('oauth', 'list', 'no-such-tenant');

      expect(http.code).toBe(1);
      expect(http.err).toMatch(/must be an https:\/\/ URL/);
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/needs --jwks-url, --subject, --audience/);
      expect(unknown).toMatchObject({ code: 1, err: `Error: Tenant "${id}" has no OAuth client "scimci_nope".` });
      expect(noTenant.code).toBe(1);
    });

    it('records grants and refusals in the provisioning log, never a secret or an assertion', async () => {
      const { id } = await newTenant('cli-log');
      const { clientId, clientSecret, tokenUrl } = await newClient(id);
      await postToken(tokenUrl, { grant_type: 'client_credentials' }, basic(clientId, clientSecret));
      await postToken(tokenUrl, { grant_type: 'client_credentials' }, basic(clientId, 'wrong-secret'));

      const log = await admin('log', id, '--json');
      const entries = JSON.parse(log.out) as Array<Record<string, unknown>>;

      expect(entries.map((entry) => [entry.operation, entry.status])).toEqual([
        ['issueAccessToken', 401],
        ['issueAccessToken', 200],
      ]);
      expect(entries[1]?.detail).toContain(clientId);
      expect(log.out).not.toContain(clientSecret);
      expect(log.out).not.toContain('wrong-secret');
    });
  });
});
