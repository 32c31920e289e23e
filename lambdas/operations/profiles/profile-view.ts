import type { StoredResource } from '../ports';
import { editRefusal, fieldsOf, ownerOf, policyOf } from '../../tenancy/profile';
import type { TenantRecord } from '../../tenancy/tenant';
import { directoryProfile, isManaged, profileOf } from './effective-profile';
import type { ScimResponse } from '../request';
import { etagOf } from '../../scim/resources/render';

/** The profile API's view of one user: the effective profile, and per field its owner and both sources. */
export function profileView(tenant: TenantRecord | undefined, user: StoredResource) {
  const settings = tenant?.profile ?? {};
  const policy = policyOf(settings);
  const managed = isManaged(tenant);
  const fromDirectory = directoryProfile(tenant, user);
  const fromUser = user.userValues ?? {};
  const effective = profileOf(tenant, user, managed);
  return {
    id: user.id,
    userName: user.data.userName,
    active: user.data.active !== false,
    managed,
    version: user.version,
    profile: effective,
    fields: Object.fromEntries(
      fieldsOf(settings).map((field) => [
        field,
        {
          value: effective[field] ?? null,
          owner: ownerOf(policy, field),
          directoryValue: fromDirectory[field] ?? null,
          userValue: fromUser[field] ?? null,
          editable: editRefusal(field, fieldsOf(settings), policy, managed) === undefined,
        },
      ]),
    ),
  };
}

/** One user's profile as the profile API and `scim-admin profile` show it. */
export type ProfileView = ReturnType<typeof profileView>;

/** A profile response with the user's version as ETag. */
export function profileResponse(view: ProfileView): ScimResponse {
  return { status: 200, body: view, headers: { ETag: etagOf(view.version) } };
}
