import { LINK_PARAMETER, SESSION_COOKIE } from '../../contracts/portal';
import { ScimError } from '../../scim/errors';
import {
  linkTtlSeconds,
  signLink,
  signSession,
  verifyLink,
  csrfTokenOf,
  SESSION_TTL_SECONDS,
} from '../../tenancy/portal-link';
import { isValidTenantId, type TenantRecord } from '../../tenancy/tenant';
import { AdminError } from '../admin-error';
import { tenantToChange } from '../tenants/tenant-to-change';
import type { Dependencies } from '../ports';
import { asConnectionCall, objectBody, recordAction } from './actions';
import { tenantOf, type ConnectionOperation } from './request';

type LinkDeps = Pick<Dependencies, 'tenants' | 'tokenKeys' | 'clock'>;

/** The generation a tenant's links and sessions must carry to be honoured. */
export function linkGenerationOf(tenant: TenantRecord): number {
  return tenant.portal?.linkGeneration ?? 0;
}

/** The page of a tenant, under the service's base URL. */
export function portalPageUrl(serviceBase: string, tenantId: string): string {
  return `${serviceBase}/portal/${encodeURIComponent(tenantId)}`;
}

/**
 * Makes a setup link for one tenant (`scim-admin portal link`, the connection API): signed, expiring
 * after `expiresIn` (default 7 days, at most 30), revocable with `revokePortalLinks`.
 */
export async function createPortalLink(
  deps: LinkDeps,
  tenantId: string,
  serviceBase: string,
  expiresIn?: string,
): Promise<{ url: string; expiresAt: string }> {
  const tenant = await tenantToChange(deps, tenantId);
  let ttl: number;
  try {
    ttl = linkTtlSeconds(expiresIn);
  } catch (error) {
    throw new AdminError(`--expires-in: ${(error as Error).message}`);
  }
  const { secret, expiresAt } = signLink(
    tenantId,
    linkGenerationOf(tenant),
    ttl,
    await deps.tokenKeys.getKeyRing(),
    deps.clock.now(),
  );
  return { url: `${portalPageUrl(serviceBase, tenantId)}/open?${LINK_PARAMETER}=${secret}`, expiresAt };
}

/** Revokes every setup link and portal session of the tenant (the next request of each is refused). */
export async function revokePortalLinks(deps: LinkDeps, tenantId: string): Promise<TenantRecord> {
  const tenant = await tenantToChange(deps, tenantId);
  const updated: TenantRecord = {
    ...tenant,
    portal: { linkGeneration: linkGenerationOf(tenant) + 1 },
    version: tenant.version + 1,
  };
  await deps.tenants.updateTenant(updated, tenant.version);
  return updated;
}

/** POST …/portal-links `{"expiresIn": "7d"}`: a setup link for the product's back end to send the customer's admin. */
export const createPortalLinkRoute: ConnectionOperation = async (request, deps) => {
  const { expiresIn } = objectBody(request, '{"expiresIn": "7d"}');
  if (expiresIn !== undefined && typeof expiresIn !== 'string')
    throw ScimError.badRequest('invalidValue', 'expiresIn must be a duration such as "7d", "12h" or "30m".');
  let link;
  try {
    link = await createPortalLink(deps, tenantOf(request).tenantId, request.serviceBase, expiresIn);
  } catch (error) {
    if (error instanceof AdminError)
      throw ScimError.badRequest('invalidValue', error.message.replace('--expires-in: ', 'expiresIn: '));
    throw error;
  }
  await recordAction(deps, request, {
    operation: 'createPortalLink',
    status: 201,
    resourceType: 'Tenant',
    detail: `Setup link made, expires ${link.expiresAt}`,
  });
  return { status: 201, body: link };
};

/** DELETE …/portal-links: every setup link and portal session of the tenant stops at once (`portal revoke`). */
export const revokePortalLinksRoute: ConnectionOperation = async (request, deps) => {
  const tenant = await asConnectionCall(409, () => revokePortalLinks(deps, tenantOf(request).tenantId));
  await recordAction(deps, request, {
    operation: 'revokePortalLinks',
    status: 200,
    resourceType: 'Tenant',
    detail: 'Every setup link and portal session revoked',
  });
  return { status: 200, body: { tenantId: tenant.tenantId, linkGeneration: linkGenerationOf(tenant) } };
};

/** Set-Cookie for the session: HttpOnly, Secure, SameSite=Strict, host-only (`__Host-`). */
export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

const REFUSED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Setup link not valid</title></head>
<body><main><h1>This setup link is not valid</h1>
<p>It may have expired, been revoked, or been changed while copying. Nothing of the connection is shown.</p>
<p>Ask your provider for a new setup link.</p></main></body></html>
`;

function refused(): { status: number; body: string; headers: Record<string, string> } {
  return {
    status: 401,
    body: REFUSED_PAGE,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': sessionCookie('', 0) },
  };
}

/**
 * GET /portal/{tenantId}/open?link=…: exchanges a genuine, unexpired, unrevoked link of THIS tenant
 * for a session cookie and redirects to the page, so the secret leaves the address bar. Anything
 * else gets one refusal page and clears any session this browser had.
 */
export const openPortalLink: ConnectionOperation = async (request, deps) => {
  const secret = request.query[LINK_PARAMETER] ?? '';
  if (!isValidTenantId(request.tenantId)) return refused();
  const ring = await deps.tokenKeys.getKeyRing();
  const now = deps.clock.now();
  const claims = verifyLink(secret, ring, now);
  const tenant = await deps.tenants.getTenant(request.tenantId);
  if (!tenant || tenant.status === 'purging') return refused();
  const known = { ...request, tenant };
  if (!claims || claims.t !== tenant.tenantId || claims.g !== linkGenerationOf(tenant)) {
    await recordAction(deps, known, {
      operation: 'openPortalLink',
      status: 401,
      resourceType: 'Tenant',
      detail: 'A setup link was refused (forged, expired, revoked or of another tenant)',
    });
    return refused();
  }
  const { cookie } = signSession(claims, ring, now);
  await recordAction(deps, known, {
    operation: 'openPortalLink',
    status: 303,
    resourceType: 'Tenant',
    detail: 'Setup link opened: portal session started',
  });
  return {
    status: 303,
    body: '',
    headers: {
      Location: portalPageUrl(request.serviceBase, tenant.tenantId),
      'Set-Cookie': sessionCookie(cookie, SESSION_TTL_SECONDS),
    },
  };
};

/** GET /portal/{tenantId}/api/session: who the session is for, until when, and its CSRF token for writes. */
export const getPortalSession: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  const session = request.session;
  if (!session) throw new Error('getPortalSession ran without a session');
  return {
    status: 200,
    body: {
      tenantId: tenant.tenantId,
      displayName: tenant.displayName,
      expiresAt: new Date(session.exp * 1000).toISOString(),
      csrfToken: csrfTokenOf(session, await deps.tokenKeys.getKeyRing()),
    },
  };
};

/** POST /portal/{tenantId}/api/session/end: signs out (clears the cookie). */
export const endPortalSession: ConnectionOperation = async (request, deps) => {
  await recordAction(deps, request, {
    operation: 'endPortalSession',
    status: 204,
    resourceType: 'Tenant',
    detail: 'Signed out of the portal',
  });
  return { status: 204, headers: { 'Set-Cookie': sessionCookie('', 0) } };
};
