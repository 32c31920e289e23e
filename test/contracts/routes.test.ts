import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { authOf, handlerEntry, routes } from '../../lambdas/contracts/routes';

const ROOT = join(__dirname, '..', '..');

describe('the route table', () => {
  it('lists every operation of the SCIM API once', () => {
    const operations = routes.map((route) => route.operation);
    const methodsAndPaths = routes.map((route) => `${route.method} ${route.path}`);

    expect(new Set(operations).size).toBe(operations.length);
    expect(new Set(methodsAndPaths).size).toBe(methodsAndPaths.length);
    for (const resource of ['Users', 'Groups']) {
      for (const [method, suffix] of [['GET', ''], ['POST', ''], ['GET', '/{id}'], ['PUT', '/{id}'], ['PATCH', '/{id}'], ['DELETE', '/{id}']]) {
        expect(methodsAndPaths).toContain(`${method} /scim/v2/{tenantId}/${resource}${suffix}`);
      }
    }
    for (const discovery of ['ServiceProviderConfig', 'ResourceTypes', 'Schemas']) {
      expect(methodsAndPaths).toContain(`GET /scim/v2/{tenantId}/${discovery}`);
    }
  });

  it('has a handler module for every route', () => {
    for (const route of routes) {
      expect(existsSync(join(ROOT, handlerEntry(route.operation)))).toBe(true);
    }
  });

  it('gives write access to exactly the methods that change state', () => {
    for (const route of routes.filter((candidate) => authOf(candidate) !== 'client')) {
      expect(route.access).toBe(route.method === 'GET' ? 'read' : 'write');
    }
  });

  it('keeps the OAuth endpoints read-only: the token endpoint writes only its own bookkeeping', () => {
    const oauth = routes.filter((route) => authOf(route) === 'client');

    expect(oauth.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /oauth2/v1/{tenantId}/token',
      'GET /.well-known/oauth-authorization-server/oauth2/v1/{tenantId}',
    ]);
    expect(oauth.every((route) => route.access === 'read')).toBe(true);
  });
});
