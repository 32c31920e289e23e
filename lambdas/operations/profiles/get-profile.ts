import { ScimError } from '../../scim/errors';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies } from '../ports';
import type { Operation } from '../request';
import { profileResponse, profileView, type ProfileView } from './profile-view';

/** A user's effective profile with each field's owner and sources; 404 when the tenant has no such user. */
export async function readProfile(
  deps: Pick<Dependencies, 'directory'>,
  tenantId: string,
  tenant: TenantRecord | undefined,
  userId: string,
): Promise<ProfileView> {
  const user = await deps.directory.getUser(tenantId, userId);
  if (!user) throw ScimError.notFound(`User "${userId}" not found.`);
  return profileView(tenant, user);
}

/** GET /profiles/v1/{tenantId}/users/{id}: the effective profile with each field's owner and sources. */
export const getProfile: Operation = async (request, deps) =>
  profileResponse(await readProfile(deps, request.tenantId, request.tenant, request.pathParameters.id ?? ''));
