import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  authOf,
  CONNECTION_BASE_PATH,
  handlerEntry,
  PORTAL_API_BASE_PATH,
  routes as routeTable,
  type Route,
} from '../../lambdas/contracts/routes';

const routes: readonly Route[] = routeTable;

const ROOT = join(__dirname, '..', '..');

describe('the route table', () => {
  it('lists every operation of the SCIM API once', () => {
    // An operation has one route per way in (the connection operations: IAM and the page's session).
    const operations = routes.map((route) => `${route.operation} ${authOf(route)}`);
    const methodsAndPaths = routes.map((route) => `${route.method} ${route.path}`);

    expect(new Set(operations).size).toBe(operations.length);
    for (const route of routes)
      expect(
        routes.filter((other) => other.operation === route.operation).every((other) => other.access === route.access),
      ).toBe(true);
    expect(new Set(methodsAndPaths).size).toBe(methodsAndPaths.length);
    for (const resource of ['Users', 'Groups']) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', ''],
        ['GET', '/{id}'],
        ['PUT', '/{id}'],
        ['PATCH', '/{id}'],
        ['DELETE', '/{id}'],
      ]) {
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

  /** POSTs that change no stored state: a call out, a signature, a cleared cookie (their log entry is bookkeeping). */
  const READ_ONLY_POSTS = ['testConnection', 'portalTestConnection', 'createPortalLink', 'endPortalSession'];

  it('gives write access to exactly the methods that change state, and no table access to the page and its assets', () => {
    for (const route of routes.filter((candidate) => authOf(candidate) !== 'client')) {
      if (route.bundlesPortalUi) expect(route.access).toBe('none');
      else if (route.method === 'GET' || READ_ONLY_POSTS.includes(route.operation)) expect(route.access).toBe('read');
      else expect(route.access).toBe('write');
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

  it('mirrors every connection API route for the page, with the same method and sub-path', () => {
    const iam = routes.filter((route) => route.path.startsWith(CONNECTION_BASE_PATH));
    const portal = routes.filter((route) => route.path.startsWith(PORTAL_API_BASE_PATH));

    const mirrored = iam
      .filter((route) => !route.path.endsWith('/portal-links'))
      .map((route) => `${route.method} ${route.path.slice(CONNECTION_BASE_PATH.length) || '/connection'}`);
    expect(portal.map((route) => `${route.method} ${route.path.slice(PORTAL_API_BASE_PATH.length)}`)).toEqual(
      expect.arrayContaining(mirrored),
    );
    expect(iam.every((route) => authOf(route) === 'iam')).toBe(true);
    expect(portal.every((route) => authOf(route) === 'portal')).toBe(true);
  });
});
