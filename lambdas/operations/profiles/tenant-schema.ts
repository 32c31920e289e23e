import { withCustomExtensions } from '../../scim/schema/custom';
import { USER_RESOURCE_TYPE, type ResourceTypeDefinition } from '../../scim/schema/attributes';
import { mappingOf } from '../../tenancy/profile';
import type { TenantRecord } from '../../tenancy/tenant';
import type { ScimRequest } from '../request';

const byMapping = new WeakMap<object, ResourceTypeDefinition>();

/** The tenant's User resource type: core + enterprise + the extensions its attribute mapping names. */
export function userTypeOfTenant(tenant: TenantRecord | undefined): ResourceTypeDefinition {
  const mapping = tenant?.profile?.mapping;
  if (!mapping) return USER_RESOURCE_TYPE;
  let type = byMapping.get(mapping);
  if (!type) {
    type = withCustomExtensions(USER_RESOURCE_TYPE, Object.values(mappingOf(tenant.profile ?? {})));
    byMapping.set(mapping, type);
  }
  return type;
}

export function userTypeOf(request: ScimRequest): ResourceTypeDefinition {
  return userTypeOfTenant(request.tenant);
}
