import { SCIM_BASE_PATH } from '../../contracts/routes';
import type { SessionClaims } from '../../tenancy/portal-link';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies } from '../ports';
import type { OperationRequest, ScimResponse } from '../request';

/** Fetches a URL the way a SCIM client would (the test connection's call to the service's own Tenant URL). */
export interface TenantUrlProbe {
  get(url: string, token: string): Promise<{ readonly status: number; readonly body: string }>;
}

/** What a connection operation may touch: the SCIM service's dependencies and the probe. */
export interface ConnectionDeps extends Dependencies {
  readonly probe: TenantUrlProbe;
}

/** A request of the connection API or the page, as operations see it (for portal routes the chain has checked the session is the path tenant's). */
export interface ConnectionRequest extends OperationRequest {
  /** `https://host[/stage]`: where this service's URLs start, as the caller reached it. */
  readonly serviceBase: string;
  /** Who acts: `portal` (session) or `api` (IAM); written to the provisioning log. */
  readonly actor: string;
  /** The verified session of a portal route. */
  readonly session?: SessionClaims;
}

export type ConnectionOperation = (request: ConnectionRequest, deps: ConnectionDeps) => Promise<ScimResponse>;

/** Where this service's Tenant URLs start, as the caller reached it: `<serviceBase>/scim/v2`. */
export function tenantUrlBaseOfRequest(request: ConnectionRequest): string {
  return `${request.serviceBase}${SCIM_BASE_PATH}`;
}

/** The Tenant URL of the request's tenant (DESIGN.md "Tenants and tokens"). */
export function tenantUrlOfRequest(request: ConnectionRequest): string {
  return `${tenantUrlBaseOfRequest(request)}/${encodeURIComponent(request.tenantId)}`;
}

/** The tenant the chain loaded; a route wired without one is a programming error. */
export function tenantOf(request: ConnectionRequest): TenantRecord {
  if (!request.tenant) throw new Error(`${request.operation} ran without a tenant`);
  return request.tenant;
}
