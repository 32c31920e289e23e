import type { APIGatewayProxyEvent } from 'aws-lambda';
import { serviceBaseOf } from '../../../lambdas/http/service-base';
import type { ConnectionDeps, ConnectionRequest } from '../../../lambdas/operations/connection/request';
import { summarise, testConnection } from '../../../lambdas/operations/connection/test-connection';
import { LIST_RESPONSE } from '../../../lambdas/scim/schema/urns';
import { tenantRecord } from '../../support/tenant-records';

const tenant = tenantRecord();

function request(body: unknown): ConnectionRequest {
  return {
    operation: 'testConnection',
    tenantId: 'acme',
    pathParameters: { tenantId: 'acme' },
    query: {},
    headers: {},
    body,
    requestId: 'r1',
    serviceBase: 'https://api.example/v1',
    actor: 'portal',
    tenant,
  };
}

function deps(answer: { status: number; body: string } | Error) {
  const calls: Array<{ url: string; token: string }> = [];
  const logged: unknown[] = [];
  const fake = {
    probe: {
      get: async (url: string, token: string) => (
        calls.push({ url, token }),
        answer instanceof Error ? Promise.reject(answer) : answer
      ),
    },
    ids: { newId: () => '0b4c2a4e-0000-4000-8000-000000000000' },
    clock: { now: () => new Date('2026-12-01T10:00:00Z') },
    log: { append: async (entry: unknown) => void logged.push(entry), list: async () => [] },
  } as unknown as ConnectionDeps;
  return { fake, calls, logged };
}

describe("test connection: the service's own Tenant URL, called as Entra does", () => {
  it('calls only the tenant URL of the request, with the given token, and logs the result without the token', async () => {
    const { fake, calls, logged } = deps({
      status: 200,
      body: JSON.stringify({ schemas: [LIST_RESPONSE], totalResults: 0 }),
    });

    const response = await testConnection(request({ token: 'scimsk_abc' }), fake);

    expect(calls).toEqual([
      {
        url: 'https://api.example/v1/scim/v2/acme/Users?filter=userName%20eq%20%220b4c2a4e-0000-4000-8000-000000000000%22',
        token: 'scimsk_abc',
      },
    ]);
    expect(response.body).toMatchObject({
      ok: true,
      status: 200,
      request: 'GET /Users?filter=userName eq "0b4c2a4e-0000-4000-8000-000000000000"',
    });
    expect(JSON.stringify(logged)).not.toContain('scimsk_abc');
    expect(logged[0]).toMatchObject({ operation: 'testConnection', status: 200, actor: 'portal' });
  });

  it('reports a Tenant URL that does not answer, and refuses a missing token', async () => {
    const { fake } = deps(new Error('connect ECONNREFUSED'));

    const down = await testConnection(request({ token: 'scimsk_abc' }), fake);

    expect(down.body).toMatchObject({
      ok: false,
      status: 0,
      summary: 'The Tenant URL did not answer: connect ECONNREFUSED.',
    });
    await expect(testConnection(request({}), fake)).rejects.toMatchObject({ status: 400 });
  });

  it('summarises SCIM errors by their detail and non-JSON answers by their size', () => {
    expect(summarise(401, JSON.stringify({ detail: 'Authentication failed' }))).toEqual({
      ok: false,
      summary: '401: the token was refused (Authentication failed)',
    });
    expect(summarise(502, '<html>')).toEqual({
      ok: false,
      summary: 'HTTP 502 with a body that is not JSON (6 bytes).',
    });
  });
});

describe('the service base of a request', () => {
  it("takes the host from API Gateway's domainName, not a client's Host header, and keeps the stage", () => {
    const event = {
      path: '/portal/acme/api/test',
      headers: { Host: 'evil.example', 'X-Forwarded-Proto': 'https' },
      requestContext: { domainName: 'abc.execute-api.eu-west-1.amazonaws.com', path: '/v1/portal/acme/api/test' },
    } as unknown as APIGatewayProxyEvent;

    expect(serviceBaseOf(event)).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/v1');
  });
});
