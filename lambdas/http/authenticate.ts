import { ScimError } from '../scim/errors';
import type { Wiring } from '../wiring';
import { chainOf, type ScimMiddleware } from './chain';
import { lowerCaseHeaders } from './mapping';

/**
 * Bearer-token check against the tenant in the path (../shared/DESIGN.md "Tenants and tokens"); hands
 * on the tenant. A failure throws the 401 and leaves no tenant, so it writes no provisioning-log
 * entry, whichever tenant the path names (docs/security.md T21).
 */
export function authenticate(wiring: () => Wiring): ScimMiddleware {
  return {
    before: async (request) => {
      const headers = lowerCaseHeaders(request.event.headers);
      const tenantId = request.event.pathParameters?.tenantId ?? '';
      const { tenant } = await wiring().authenticator.authenticate(tenantId, headers.authorization);
      chainOf(request.context).tenant = tenant;
    },
  };
}

/**
 * IAM-authorised routes (the profile API): API Gateway has already verified the caller's SigV4
 * signature and IAM policy; the chain only loads the tenant, and an unknown tenant is a 404.
 */
export function loadTenant(wiring: () => Wiring): ScimMiddleware {
  return {
    before: async (request) => {
      const tenantId = request.event.pathParameters?.tenantId ?? '';
      const tenant = await wiring().deps.tenants.getTenant(tenantId);
      if (!tenant) throw ScimError.notFound(`Tenant "${tenantId}" not found.`);
      chainOf(request.context).tenant = tenant;
    },
  };
}
