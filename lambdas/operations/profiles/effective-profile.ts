import { readPath } from '../../scim/resources/read-path';
import { effectiveProfile, fieldsOf, mappingOf, policyOf, type Profile } from '../../tenancy/profile';
import type { TenantRecord } from '../../tenancy/tenant';
import type { StoredResource } from '../ports';
import { userTypeOfTenant } from './tenant-schema';

/** The directory's value of each mapped field, read from what SCIM stored. */
export function directoryProfile(tenant: TenantRecord | undefined, user: StoredResource): Profile {
  const settings = tenant?.profile ?? {};
  const type = userTypeOfTenant(tenant);
  return Object.fromEntries(
    Object.entries(mappingOf(settings)).map(([field, path]) => [field, readPath(user.data, path, type)]),
  );
}

/** Is the account managed by SCIM? Every account of a disconnected tenant is a manual account. */
export function isManaged(tenant: TenantRecord | undefined): boolean {
  return tenant?.status !== 'disconnected';
}

/** The effective profile of a user under its tenant's policy (what events carry and the portal shows). */
export function profileOf(
  tenant: TenantRecord | undefined,
  user: StoredResource,
  managed = isManaged(tenant),
): Record<string, string | null> {
  const settings = tenant?.profile ?? {};
  return effectiveProfile(
    fieldsOf(settings),
    directoryProfile(tenant, user),
    user.userValues ?? {},
    policyOf(settings),
    managed,
  );
}
