import type { StoredResource } from '../ports';
import { editRefusal, fieldsOf, ownerOf, policyOf } from '../../tenancy/profile';
import { directoryProfile, isManaged, profileOf } from './effective-profile';
import type { ScimRequest, ScimResponse } from '../request';
import { etagOf } from '../../scim/resources/render';

/** The profile API's view of one user: the effective profile, and per field its owner and both sources. */
export function profileView(request: ScimRequest, user: StoredResource) {
  const settings = request.tenant?.profile ?? {};
  const policy = policyOf(settings);
  const managed = isManaged(request.tenant);
  const fromDirectory = directoryProfile(request.tenant, user);
  const fromUser = user.userValues ?? {};
  const effective = profileOf(request.tenant, user, managed);
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

/** A profile response with the user's version as ETag. */
export function profileResponse(request: ScimRequest, user: StoredResource): ScimResponse {
  return { status: 200, body: profileView(request, user), headers: { ETag: etagOf(user.version) } };
}
