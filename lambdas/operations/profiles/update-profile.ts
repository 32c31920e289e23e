import { buildEvent } from '../../events/catalog';
import { ScimError } from '../../scim/errors';
import { isPlainObject } from '../../scim/resources/normalize';
import { renderResource } from '../../scim/resources/render';
import { changedFields, editRefusal, fieldsOf, policyOf, type Profile } from '../../tenancy/profile';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies, StoredResource } from '../ports';
import { withRetryOnConflict } from '../scim/preconditions';
import { commitUserChange } from '../scim/users/user-writes';
import { profileResponse, profileView, type ProfileView } from './profile-view';
import { isManaged, profileOf } from './effective-profile';
import type { Operation } from '../request';
import { userTypeOfTenant } from './tenant-schema';

/** Longest value a user may enter in a profile field. */
export const MAX_PROFILE_VALUE_LENGTH = 1024;

/** Refuses a value past MAX_PROFILE_VALUE_LENGTH, naming the field. */
function checkValueLength(field: string, value: string | null): void {
  if (typeof value === 'string' && value.length > MAX_PROFILE_VALUE_LENGTH) {
    throw ScimError.badRequest(
      'invalidValue',
      `fields.${field} is ${value.length} characters long; the limit is ${MAX_PROFILE_VALUE_LENGTH}.`,
    );
  }
}

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
    checkValueLength(field, value);
    edits[field] = value;
  }
  return edits;
}

/** A user's edit of their own profile fields, from the profile API or `scim-admin profile set`. */
export interface ProfileEdit {
  readonly tenantId: string;
  /** The tenant's record: its policy decides which fields the user owns. */
  readonly tenant: TenantRecord | undefined;
  readonly userId: string;
  /** Field → the user's new value; null clears the user's value. */
  readonly changes: Readonly<Record<string, string | null>>;
  /** The Tenant URL the User Updated event's snapshot is rendered under. */
  readonly tenantUrl: string;
  /** The correlation id the event carries (the HTTP request's id, `admin-…` from the CLI). */
  readonly requestId: string;
  /** The If-Match the client sent, if any: a write that loses a race then answers 412 instead of retrying. */
  readonly ifMatch?: string;
}

/**
 * Applies a user's edit of user-owned fields and returns the profile after it. A directory-owned
 * field is refused with 409 while SCIM is connected, naming the owner (docs/ownership.md).
 */
export async function editProfile(deps: Dependencies, edit: ProfileEdit): Promise<ProfileView> {
  const { tenantId, tenant, userId: id, changes: edits } = edit;
  const settings = tenant?.profile ?? {};
  const managed = isManaged(tenant);
  for (const [field, value] of Object.entries(edits)) checkValueLength(field, value);
  for (const field of Object.keys(edits)) {
    const refusal = editRefusal(field, fieldsOf(settings), policyOf(settings), managed);
    if (refusal)
      throw new ScimError(
        fieldsOf(settings).includes(field) ? 409 : 400,
        refusal,
        fieldsOf(settings).includes(field) ? 'mutability' : 'invalidPath',
      );
  }
  const user = await withRetryOnConflict({ headers: { 'if-match': edit.ifMatch } }, `User "${id}"`, async () => {
    const before = await deps.directory.getUser(tenantId, id);
    if (!before || before.deleting) throw ScimError.notFound(`User "${id}" not found.`);
    const userValues: Record<string, string | null> = { ...before.userValues };
    for (const [field, value] of Object.entries(edits)) {
      if (value === null) delete userValues[field];
      else userValues[field] = value;
    }
    const previous: Profile = profileOf(tenant, before, managed);
    const now = deps.clock.now().toISOString();
    const after: StoredResource = { ...before, version: before.version + 1, lastModified: now, userValues };
    const profile = profileOf(tenant, after, managed);
    const changed = changedFields(previous, profile);
    if (changed.length === 0 && JSON.stringify(before.userValues ?? {}) === JSON.stringify(userValues)) return before;
    const event = buildEvent({
      detailType: 'User Updated',
      tenantId,
      resourceType: 'User',
      resourceId: id,
      version: after.version,
      occurredAt: now,
      requestId: edit.requestId,
      changedAttributes: changed.map((field) => `profile.${field}`),
      previous: Object.fromEntries(changed.map((field) => [`profile.${field}`, previous[field] ?? null])),
      snapshot: renderResource(userTypeOfTenant(tenant), after, after.data, edit.tenantUrl),
      profile,
    });
    return commitUserChange(deps, tenantId, before, after, event);
  });
  return profileView(tenant, user);
}

/** PATCH /profiles/v1/{tenantId}/users/{id}: the portal's edit of user-owned fields (`editProfile`). */
export const updateProfile: Operation = async (request, deps) =>
  profileResponse(
    await editProfile(deps, {
      tenantId: request.tenantId,
      tenant: request.tenant,
      userId: request.pathParameters.id ?? '',
      changes: parseEdits(request.body),
      tenantUrl: request.tenantUrl,
      requestId: request.requestId,
      ifMatch: request.headers['if-match'],
    }),
  );
