import { buildEvent } from '../../events/catalog';
import { ScimError } from '../../scim/errors';
import { isPlainObject } from '../../scim/resources/normalize';
import { renderResource } from '../../scim/resources/render';
import { changedFields, editRefusal, fieldsOf, policyOf, type Profile } from '../../tenancy/profile';
import type { StoredResource } from '../ports';
import { withRetryOnConflict } from '../scim/preconditions';
import { commitUserChange } from '../scim/users/user-writes';
import { profileResponse } from './profile-view';
import { isManaged, profileOf } from './effective-profile';
import type { Operation } from '../request';
import { userTypeOf } from './tenant-schema';

/** Longest value a user may enter in a profile field. */
export const MAX_PROFILE_VALUE_LENGTH = 1024;

/** The edits a body asks for: `{"fields": {"mobilePhone": "+1 555", "pronouns": null}}` (null clears the user's value). */
function parseEdits(body: unknown): Record<string, string | null> {
  const fields = isPlainObject(body) ? body.fields : undefined;
  if (!isPlainObject(fields) || Object.keys(fields).length === 0) {
    throw ScimError.badRequest('invalidSyntax', 'The body must be {"fields": {"<field>": "<value>" | null, …}}.');
  }
  const edits: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value !== null && typeof value !== 'string')
      throw ScimError.badRequest('invalidValue', `fields.${field} must be a string or null.`);
    if (typeof value === 'string' && value.length > MAX_PROFILE_VALUE_LENGTH) {
      throw ScimError.badRequest(
        'invalidValue',
        `fields.${field} is ${value.length} characters long; the limit is ${MAX_PROFILE_VALUE_LENGTH}.`,
      );
    }
    edits[field] = value;
  }
  return edits;
}

/**
 * PATCH /profiles/v1/{tenantId}/users/{id}: the portal's edit of user-owned fields. A directory-owned
 * field is refused with 409 while SCIM is connected, naming the owner (docs/ownership.md).
 */
export const updateProfile: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const edits = parseEdits(request.body);
  const settings = request.tenant?.profile ?? {};
  const managed = isManaged(request.tenant);
  for (const field of Object.keys(edits)) {
    const refusal = editRefusal(field, fieldsOf(settings), policyOf(settings), managed);
    if (refusal)
      throw new ScimError(
        fieldsOf(settings).includes(field) ? 409 : 400,
        refusal,
        fieldsOf(settings).includes(field) ? 'mutability' : 'invalidPath',
      );
  }
  const user = await withRetryOnConflict(request, `User "${id}"`, async () => {
    const before = await deps.directory.getUser(request.tenantId, id);
    if (!before || before.deleting) throw ScimError.notFound(`User "${id}" not found.`);
    const userValues: Record<string, string | null> = { ...before.userValues };
    for (const [field, value] of Object.entries(edits)) {
      if (value === null) delete userValues[field];
      else userValues[field] = value;
    }
    const previous: Profile = profileOf(request.tenant, before, managed);
    const now = deps.clock.now().toISOString();
    const after: StoredResource = { ...before, version: before.version + 1, lastModified: now, userValues };
    const profile = profileOf(request.tenant, after, managed);
    const changed = changedFields(previous, profile);
    if (changed.length === 0 && JSON.stringify(before.userValues ?? {}) === JSON.stringify(userValues)) return before;
    const event = buildEvent({
      detailType: 'User Updated',
      tenantId: request.tenantId,
      resourceType: 'User',
      resourceId: id,
      version: after.version,
      occurredAt: now,
      requestId: request.requestId,
      changedAttributes: changed.map((field) => `profile.${field}`),
      previous: Object.fromEntries(changed.map((field) => [`profile.${field}`, previous[field] ?? null])),
      snapshot: renderResource(userTypeOf(request), after, after.data, request.tenantUrl),
      profile,
    });
    return commitUserChange(deps, request.tenantId, before, after, event);
  });
  return profileResponse(request, user);
};
