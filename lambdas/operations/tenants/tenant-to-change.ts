import type { TenantRecord } from '../../tenancy/tenant';
import { AdminError } from '../admin-error';
import type { TenantStore } from '../ports';

/** Why a tenant being purged takes no admin action, and how to finish. */
export function purgingRefusal(tenantId: string): string {
  return `Tenant "${tenantId}" is being purged: run \`tenant delete ${tenantId} --purge\` again to finish, then create it.`;
}

/**
 * The tenant an admin action changes (CLI, connection API, page): refused when it does not exist
 * and while it is being purged, so nothing reconnects, re-credentials or re-links a tenant whose
 * data is being deleted (docs/operations.md "Purging a tenant"; docs/security.md T28).
 */
export async function tenantToChange(
  deps: { readonly tenants: Pick<TenantStore, 'getTenant'> },
  tenantId: string,
): Promise<TenantRecord> {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new AdminError(`Tenant "${tenantId}" does not exist.`);
  if (tenant.status === 'purging') throw new AdminError(purgingRefusal(tenantId));
  return tenant;
}
