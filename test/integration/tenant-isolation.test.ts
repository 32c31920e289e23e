import { randomUUID } from 'node:crypto';
import { authOf, routes, type Route } from '../../lambdas/contracts/routes';
import { createTenant, issueToken, revokeToken } from '../../lambdas/operations/tenants/tenant-admin';
import { getWiring } from '../../lambdas/wiring';
import { scim, useTestService } from '../support/local-service';
import { ERROR_MESSAGE, PATCH_OP, USER_SCHEMA } from '../../lambdas/scim/schema/urns';

const ERROR_URN = ERROR_MESSAGE;

/** A body each route accepts, so that only authentication decides the outcome. */
function bodyFor(route: Route): unknown {
  if (route.method === 'PATCH')
    return { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Changed' }] };
  if (route.method !== 'POST' && route.method !== 'PUT') return undefined;
  return route.path.includes('/Groups')
    ? { displayName: `G ${randomUUID()}` }
    : { userName: `${randomUUID()}@a.example` };
}

describe('tenant isolation: every route × every credential', () => {
  const service = useTestService();
  let tenantA: string;
  let tenantB: string;
  let tokenA: string;
  let tokenB: string;
  let revoked: string;
  let expired: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const deps = getWiring().deps;
    tenantA = `a-${randomUUID().slice(0, 8)}`;
    tenantB = `b-${randomUUID().slice(0, 8)}`;
    const a = await createTenant(deps, tenantA);
    tokenA = a.token;
    tokenB = (await createTenant(deps, tenantB)).token;
    // Revoked and expired before any request, so no container cache still holds them as live.
    const second = await issueToken(deps, tenantA, { label: 'to revoke' });
    await revokeToken(deps, tenantA, second.record.id);
    revoked = second.token;
    expired = (
      await issueToken(deps, tenantA, { label: 'expired', expiresAt: new Date(Date.now() - 1000).toISOString() })
    ).token;

    const user = await scim(`${service.baseUrl}/${tenantA}/Users`, tokenA, {
      method: 'POST',
      body: { userName: `victim-${randomUUID()}@a.example` },
    });
    const group = await scim(`${service.baseUrl}/${tenantA}/Groups`, tokenA, {
      method: 'POST',
      body: { displayName: `Victims ${randomUUID()}` },
    });
    ids.Users = String(user.body?.id);
    ids.Groups = String(group.body?.id);
    ids.Schemas = USER_SCHEMA;
    ids.ResourceTypes = 'User';
  });

  function urlOf(route: Route, tenant: string): string {
    const collection = /\/(Users|Groups|Schemas|ResourceTypes|ServiceProviderConfig)/.exec(route.path)?.[1] ?? '';
    const path = route.path.replace('{tenantId}', tenant).replace('{id}', encodeURIComponent(ids[collection] ?? 'x'));
    return `${service.baseUrl.replace(/\/scim\/v2$/, '')}${path}`;
  }

  const credentials: [string, () => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ["another tenant's token", () => `Bearer ${tokenB}`],
    ['a revoked token', () => `Bearer ${revoked}`],
    ['an expired token of this tenant', () => `Bearer ${expired}`],
    ['a Basic header', () => `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['a bearer without a token', () => 'Bearer'],
    ['a token with a broken checksum', () => `Bearer ${tokenA.slice(0, -1)}${tokenA.endsWith('A') ? 'B' : 'A'}`],
  ];

  // The profile API is IAM-authorised by API Gateway (test/infra/stack.test.ts); SCIM tokens are the chain's.
  const scimRoutes = routes.filter((route) => authOf(route) === 'token');

  describe.each(scimRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_name, route) => {
    it.each(credentials)('refuses %s with the same 401 SCIM error, and changes nothing', async (_case, credential) => {
      const header = credential();

      const response = await fetch(urlOf(route, tenantA), {
        method: route.method,
        headers: { ...(header ? { Authorization: header } : {}), 'Content-Type': 'application/scim+json' },
        ...(bodyFor(route) !== undefined ? { body: JSON.stringify(bodyFor(route)) } : {}),
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        schemas: [ERROR_URN],
        status: '401',
        detail:
          'Authentication failed: send a valid Secret Token as "Authorization: Bearer <token>" to this Tenant URL.',
      });
    });
  });

  it("leaves tenant A's user and group as they were", async () => {
    const user = await scim(`${service.baseUrl}/${tenantA}/Users/${ids.Users}`, tokenA);
    const group = await scim(`${service.baseUrl}/${tenantA}/Groups/${ids.Groups}`, tokenA);

    expect(user.status).toBe(200);
    expect(user.body?.meta).toMatchObject({ version: 'W/"1"' });
    expect(group.status).toBe(200);
    expect(group.body?.meta).toMatchObject({ version: 'W/"1"' });
  });

  it.each(['GET', 'PUT', 'PATCH', 'DELETE'])(
    "never reaches tenant A's resources through tenant B's own URL (%s → 404)",
    async (method) => {
      for (const collection of ['Users', 'Groups']) {
        const route = routes.find(
          (candidate) => candidate.method === method && candidate.path.endsWith(`/${collection}/{id}`),
        ) as Route;

        const response = await scim(urlOf(route, tenantB), tokenB, {
          method,
          ...(bodyFor(route) !== undefined ? { body: bodyFor(route) } : {}),
        });

        expect(response.status).toBe(404);
      }
    },
  );
});
