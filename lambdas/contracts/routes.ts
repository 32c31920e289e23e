/**
 * THE route table (../shared/DESIGN.md "One route table"): every route of the SCIM API, written once.
 * The CDK stack builds API Gateway methods and one Lambda per route from it; the local server
 * dispatches from it; the infra tests derive their expectations from it.
 */

/**
 * What a route's function may do to the table: `read` roles get no write action; `none` (the portal's
 * page and static assets) gets no table action and no token key at all.
 */
export type Access = 'read' | 'write' | 'none';

/**
 * Who may call a route: `token` routes are SCIM, authenticated by the tenant's Secret Token in the
 * chain; `iam` routes are the profile API for the signature portal's backend, authorised by API
 * Gateway with AWS IAM (SigV4) and never reachable with a SCIM token; `client` routes are the OAuth
 * 2.0 endpoints: no Bearer token, the token endpoint authenticates the client itself (RFC 6749 §2.3)
 * and the metadata (RFC 8414) is public; `portal` routes are the connection page's JSON API,
 * authorised in the chain by the setup-link session cookie (and a CSRF token on writes,
 * docs/portal.md); `public` routes (the page, its assets, opening a setup link) carry no tenant data
 * and check what they need themselves.
 */
export type Auth = 'token' | 'iam' | 'client' | 'portal' | 'public';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway resource path; `{name}` segments are path parameters. */
  readonly path: string;
  /** Verb + resource (STYLE.md); also names the handler file in kebab case. */
  readonly operation: string;
  readonly access: Access;
  /** @default 'token' */
  readonly auth?: Auth;
  /** The function's bundle also carries the built connection page (portal/build.ts). */
  readonly bundlesPortalUi?: boolean;
}

/** Profile API prefix (docs/ownership.md). */
export const PROFILE_BASE_PATH = '/profiles/v1/{tenantId}';

/** Connection API prefix: the product's back end, with IAM (docs/portal.md). */
export const CONNECTION_BASE_PATH = '/connections/v1/{tenantId}';

/** The connection page of a tenant; its JSON API lives under `/api`, authorised by the session cookie. */
export const PORTAL_PAGE_PATH = '/portal/{tenantId}';
export const PORTAL_API_BASE_PATH = `${PORTAL_PAGE_PATH}/api`;
/** The page's bundled script and style sheet (one path segment each, content-hashed names). */
export const PORTAL_ASSETS_PATH = '/portal-assets';

/** The auth of a route (SCIM token unless it says IAM). */
export function authOf(route: Route): Auth {
  return route.auth ?? 'token';
}

/** Where every Tenant URL starts (the service's SCIM 2.0 root, RFC 7644 §3.13: versioned `/v2`). */
export const SCIM_BASE_PATH = '/scim/v2';

/** Tenant URL prefix: Entra appends /Users, /Groups, /Schemas (shared/entra/README.md §0). */
export const TENANT_BASE_PATH = `${SCIM_BASE_PATH}/{tenantId}`;

/** A tenant's OAuth 2.0 authorization server (its issuer URL); the token endpoint is `<issuer>/token`. */
export const OAUTH_BASE_PATH = '/oauth2/v1/{tenantId}';

/** RFC 8414 §3: the metadata path inserts the well-known segment before the issuer's path. */
export const OAUTH_METADATA_PATH = `/.well-known/oauth-authorization-server${OAUTH_BASE_PATH}`;

export const routes = [
  { method: 'GET', path: `${TENANT_BASE_PATH}/Users`, operation: 'listUsers', access: 'read' },
  { method: 'POST', path: `${TENANT_BASE_PATH}/Users`, operation: 'createUser', access: 'write' },
  { method: 'GET', path: `${TENANT_BASE_PATH}/Users/{id}`, operation: 'getUser', access: 'read' },
  { method: 'PUT', path: `${TENANT_BASE_PATH}/Users/{id}`, operation: 'replaceUser', access: 'write' },
  { method: 'PATCH', path: `${TENANT_BASE_PATH}/Users/{id}`, operation: 'patchUser', access: 'write' },
  { method: 'DELETE', path: `${TENANT_BASE_PATH}/Users/{id}`, operation: 'deleteUser', access: 'write' },
  { method: 'GET', path: `${TENANT_BASE_PATH}/Groups`, operation: 'listGroups', access: 'read' },
  { method: 'POST', path: `${TENANT_BASE_PATH}/Groups`, operation: 'createGroup', access: 'write' },
  { method: 'GET', path: `${TENANT_BASE_PATH}/Groups/{id}`, operation: 'getGroup', access: 'read' },
  { method: 'PUT', path: `${TENANT_BASE_PATH}/Groups/{id}`, operation: 'replaceGroup', access: 'write' },
  { method: 'PATCH', path: `${TENANT_BASE_PATH}/Groups/{id}`, operation: 'patchGroup', access: 'write' },
  { method: 'DELETE', path: `${TENANT_BASE_PATH}/Groups/{id}`, operation: 'deleteGroup', access: 'write' },
  {
    method: 'GET',
    path: `${TENANT_BASE_PATH}/ServiceProviderConfig`,
    operation: 'getServiceProviderConfig',
    access: 'read',
  },
  { method: 'GET', path: `${TENANT_BASE_PATH}/ResourceTypes`, operation: 'listResourceTypes', access: 'read' },
  { method: 'GET', path: `${TENANT_BASE_PATH}/ResourceTypes/{id}`, operation: 'getResourceType', access: 'read' },
  { method: 'GET', path: `${TENANT_BASE_PATH}/Schemas`, operation: 'listSchemas', access: 'read' },
  { method: 'GET', path: `${TENANT_BASE_PATH}/Schemas/{id}`, operation: 'getSchema', access: 'read' },
  { method: 'GET', path: `${PROFILE_BASE_PATH}/users/{id}`, operation: 'getProfile', access: 'read', auth: 'iam' },
  {
    method: 'PATCH',
    path: `${PROFILE_BASE_PATH}/users/{id}`,
    operation: 'updateProfile',
    access: 'write',
    auth: 'iam',
  },
  {
    method: 'GET',
    path: `${PROFILE_BASE_PATH}/groups/{id}/members`,
    operation: 'listGroupProfiles',
    access: 'read',
    auth: 'iam',
  },
  { method: 'POST', path: `${OAUTH_BASE_PATH}/token`, operation: 'issueAccessToken', access: 'read', auth: 'client' },
  {
    method: 'GET',
    path: OAUTH_METADATA_PATH,
    operation: 'getAuthorizationServerMetadata',
    access: 'read',
    auth: 'client',
  },
  // Reconciliation reads (docs/events.md "Rebuilding state"): every user / group of a tenant, paged.
  { method: 'GET', path: `${PROFILE_BASE_PATH}/users`, operation: 'listUserProfiles', access: 'read', auth: 'iam' },
  { method: 'GET', path: `${PROFILE_BASE_PATH}/groups`, operation: 'listGroupSnapshots', access: 'read', auth: 'iam' },
  // The connection API (docs/portal.md): the product's back end with IAM…
  { method: 'GET', path: CONNECTION_BASE_PATH, operation: 'getConnection', access: 'read', auth: 'iam' },
  {
    method: 'GET',
    path: `${CONNECTION_BASE_PATH}/tokens`,
    operation: 'listConnectionTokens',
    access: 'read',
    auth: 'iam',
  },
  {
    method: 'POST',
    path: `${CONNECTION_BASE_PATH}/tokens`,
    operation: 'issueConnectionToken',
    access: 'write',
    auth: 'iam',
  },
  {
    method: 'DELETE',
    path: `${CONNECTION_BASE_PATH}/tokens/{id}`,
    operation: 'revokeConnectionToken',
    access: 'write',
    auth: 'iam',
  },
  { method: 'GET', path: `${CONNECTION_BASE_PATH}/log`, operation: 'listConnectionLog', access: 'read', auth: 'iam' },
  {
    method: 'GET',
    path: `${CONNECTION_BASE_PATH}/settings`,
    operation: 'getConnectionSettings',
    access: 'read',
    auth: 'iam',
  },
  {
    method: 'PUT',
    path: `${CONNECTION_BASE_PATH}/settings/policy`,
    operation: 'setConnectionPolicy',
    access: 'write',
    auth: 'iam',
  },
  {
    method: 'PATCH',
    path: `${CONNECTION_BASE_PATH}/settings/mapping`,
    operation: 'setConnectionMapping',
    access: 'write',
    auth: 'iam',
  },
  {
    method: 'POST',
    path: `${CONNECTION_BASE_PATH}/disconnect`,
    operation: 'disconnectConnection',
    access: 'write',
    auth: 'iam',
  },
  {
    method: 'POST',
    path: `${CONNECTION_BASE_PATH}/reconnect`,
    operation: 'reconnectConnection',
    access: 'write',
    auth: 'iam',
  },
  { method: 'POST', path: `${CONNECTION_BASE_PATH}/test`, operation: 'testConnection', access: 'read', auth: 'iam' },
  {
    method: 'POST',
    path: `${CONNECTION_BASE_PATH}/portal-links`,
    operation: 'createPortalLink',
    access: 'read',
    auth: 'iam',
  },
  {
    method: 'DELETE',
    path: `${CONNECTION_BASE_PATH}/portal-links`,
    operation: 'revokePortalLinks',
    access: 'write',
    auth: 'iam',
  },
  // …and the same operations (the same functions) for the connection page, with the setup-link session.
  {
    method: 'GET',
    path: `${PORTAL_API_BASE_PATH}/session`,
    operation: 'getPortalSession',
    access: 'read',
    auth: 'portal',
  },
  {
    method: 'GET',
    path: `${PORTAL_API_BASE_PATH}/connection`,
    operation: 'getConnection',
    access: 'read',
    auth: 'portal',
  },
  {
    method: 'GET',
    path: `${PORTAL_API_BASE_PATH}/tokens`,
    operation: 'listConnectionTokens',
    access: 'read',
    auth: 'portal',
  },
  {
    method: 'POST',
    path: `${PORTAL_API_BASE_PATH}/tokens`,
    operation: 'issueConnectionToken',
    access: 'write',
    auth: 'portal',
  },
  {
    method: 'DELETE',
    path: `${PORTAL_API_BASE_PATH}/tokens/{id}`,
    operation: 'revokeConnectionToken',
    access: 'write',
    auth: 'portal',
  },
  {
    method: 'GET',
    path: `${PORTAL_API_BASE_PATH}/log`,
    operation: 'listConnectionLog',
    access: 'read',
    auth: 'portal',
  },
  {
    method: 'GET',
    path: `${PORTAL_API_BASE_PATH}/settings`,
    operation: 'getConnectionSettings',
    access: 'read',
    auth: 'portal',
  },
  {
    method: 'PUT',
    path: `${PORTAL_API_BASE_PATH}/settings/policy`,
    operation: 'setConnectionPolicy',
    access: 'write',
    auth: 'portal',
  },
  {
    method: 'PATCH',
    path: `${PORTAL_API_BASE_PATH}/settings/mapping`,
    operation: 'setConnectionMapping',
    access: 'write',
    auth: 'portal',
  },
  {
    method: 'POST',
    path: `${PORTAL_API_BASE_PATH}/disconnect`,
    operation: 'disconnectConnection',
    access: 'write',
    auth: 'portal',
  },
  {
    method: 'POST',
    path: `${PORTAL_API_BASE_PATH}/reconnect`,
    operation: 'reconnectConnection',
    access: 'write',
    auth: 'portal',
  },
  { method: 'POST', path: `${PORTAL_API_BASE_PATH}/test`, operation: 'testConnection', access: 'read', auth: 'portal' },
  {
    method: 'POST',
    path: `${PORTAL_API_BASE_PATH}/session/end`,
    operation: 'endPortalSession',
    access: 'read',
    auth: 'portal',
  },
  { method: 'GET', path: `${PORTAL_PAGE_PATH}/open`, operation: 'openPortalLink', access: 'read', auth: 'public' },
  {
    method: 'GET',
    path: PORTAL_PAGE_PATH,
    operation: 'getPortalPage',
    access: 'none',
    auth: 'public',
    bundlesPortalUi: true,
  },
  {
    method: 'GET',
    path: `${PORTAL_ASSETS_PATH}/{file}`,
    operation: 'getPortalAsset',
    access: 'none',
    auth: 'public',
    bundlesPortalUi: true,
  },
] as const satisfies readonly Route[];

export type OperationName = (typeof routes)[number]['operation'];

/**
 * The route of an operation. Each operation has one route per way in: the connection operations have
 * an IAM route and a portal route served by the same function; this returns the first.
 */
export function routeOf(operation: OperationName): Route {
  const route = routes.find((candidate) => candidate.operation === operation);
  if (!route) throw new Error(`No route for operation ${operation}`);
  return route;
}

/** Every route of an operation (one per way in). */
export function routesOf(operation: OperationName): readonly Route[] {
  return routes.filter((candidate) => candidate.operation === operation);
}

/** `createUser` → `create-user`: the handler module under lambdas/handlers/. */
export function handlerFileName(operation: string): string {
  return operation.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Handler module path relative to the repository root (for NodejsFunction entries). */
export function handlerEntry(operation: string): string {
  return `lambdas/handlers/${handlerFileName(operation)}.ts`;
}
