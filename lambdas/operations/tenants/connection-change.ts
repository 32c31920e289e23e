import { buildEvent } from '../../events/catalog';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies } from '../ports';
import { reconcileProfiles, type ReconcileOptions } from '../profiles/profile-admin';

type ConnectionChangeDeps = Pick<Dependencies, 'tenants' | 'directory' | 'writes' | 'guard' | 'clock' | 'ids'>;

/** `Tenant Disconnected` / `Tenant Reconnected` for a tenant record after the change (docs/events.md). */
function connectionEvent(tenant: TenantRecord, occurredAt: string, requestId: string) {
  const detailType = tenant.status === 'disconnected' ? 'Tenant Disconnected' : 'Tenant Reconnected';
  return buildEvent({
    detailType,
    tenantId: tenant.tenantId,
    resourceType: 'Tenant',
    resourceId: tenant.tenantId,
    version: tenant.version,
    occurredAt,
    requestId,
    changedAttributes: ['status'],
    previous: { status: detailType === 'Tenant Disconnected' ? 'connected' : 'disconnected' },
    snapshot: { tenantId: tenant.tenantId, displayName: tenant.displayName, status: tenant.status },
  });
}

/**
 * Writes an admin change of a tenant record (SCIM disconnect/reconnect, Graph connect/disconnect):
 * when its status flips between connected and disconnected, the tenant's event rides in the same
 * write and every user's effective profile is reconciled to the new owner rules (docs/ownership.md).
 */
export async function writeTenantChange(
  deps: ConnectionChangeDeps,
  before: TenantRecord,
  after: TenantRecord,
  occurredAt: string,
  options: ReconcileOptions = {},
): Promise<void> {
  const flipped = before.status !== after.status && (after.status === 'connected' || after.status === 'disconnected');
  const events = flipped ? [connectionEvent(after, occurredAt, `admin-${deps.ids.newId()}`)] : [];
  await deps.tenants.updateTenant(after, before.version, events);
  if (flipped) await reconcileProfiles(deps, before, after, options);
}
