/**
 * Source of truth per field (../shared/DESIGN.md "Source of truth"; docs/ownership.md): the profile
 * fields a signature uses, where each comes from in SCIM, who owns it, and the effective profile
 * that merges directory and user values under the tenant's policy. Pure.
 */

/** The built-in profile fields, in the order the portal shows them. */
export const PROFILE_FIELDS = [
  'displayName',
  'givenName',
  'familyName',
  'title',
  'department',
  'company',
  'email',
  'workPhone',
  'mobilePhone',
  'officeLocation',
  'address',
  'manager',
  'pronouns',
  'linkedinUrl',
  'photoUrl',
] as const;

export type Owner = 'directory' | 'user';

export const ENTERPRISE_PREFIX = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:';

/**
 * Where each built-in field comes from in SCIM by default: Entra's default attribute mappings
 * (officeLocation ← physicalDeliveryOfficeName is `addresses[type eq "other"].formatted` there).
 * pronouns and linkedinUrl have no directory source until a tenant maps them.
 */
export const DEFAULT_MAPPING: Readonly<Record<string, string>> = {
  displayName: 'displayName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  title: 'title',
  department: `${ENTERPRISE_PREFIX}department`,
  company: `${ENTERPRISE_PREFIX}organization`,
  email: 'emails[type eq "work"].value',
  workPhone: 'phoneNumbers[type eq "work"].value',
  mobilePhone: 'phoneNumbers[type eq "mobile"].value',
  officeLocation: 'addresses[type eq "other"].formatted',
  address: 'addresses[type eq "work"]',
  manager: `${ENTERPRISE_PREFIX}manager.value`,
  photoUrl: 'photos[type eq "photo"].value',
};

/** Who owns what: a default owner and per-field exceptions (hybrid). */
export interface OwnershipPolicy {
  readonly default: Owner;
  readonly fields: Readonly<Record<string, Owner>>;
}

/** Until a tenant decides, the directory owns everything (plain provisioning). */
export const DEFAULT_POLICY: OwnershipPolicy = { default: 'directory', fields: {} };

/** A tenant's profile settings, kept on its tenant record. */
export interface ProfileSettings {
  readonly policy?: OwnershipPolicy;
  /** Field → SCIM attribute path; overrides and additions to DEFAULT_MAPPING (custom fields too). */
  readonly mapping?: Readonly<Record<string, string>>;
}

export type Profile = Readonly<Record<string, string | null>>;

/** A field name: built-in or a tenant's custom field (letters, digits, no spaces). */
export const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;

export function mappingOf(settings: ProfileSettings): Readonly<Record<string, string>> {
  return { ...DEFAULT_MAPPING, ...settings.mapping };
}

export function policyOf(settings: ProfileSettings): OwnershipPolicy {
  return settings.policy ?? DEFAULT_POLICY;
}

/** Every field of a tenant's profiles: the built-ins and its custom fields. */
export function fieldsOf(settings: ProfileSettings): string[] {
  const custom = Object.keys(settings.mapping ?? {}).filter(
    (field) => !(PROFILE_FIELDS as readonly string[]).includes(field),
  );
  return [...PROFILE_FIELDS, ...custom.sort()];
}

export function ownerOf(policy: OwnershipPolicy, field: string): Owner {
  return policy.fields[field] ?? policy.default;
}

/**
 * The effective profile. While SCIM manages the account, a directory-owned field shows the
 * directory's value and a user-owned field the user's (the directory's until the user sets one).
 * A manual account (SCIM disconnected) shows the user's value wherever there is one.
 */
export function effectiveProfile(
  fields: readonly string[],
  directory: Profile,
  user: Profile,
  policy: OwnershipPolicy,
  managed: boolean,
): Record<string, string | null> {
  const profile: Record<string, string | null> = {};
  for (const field of fields) {
    const fromDirectory = directory[field] ?? null;
    const fromUser = user[field];
    const userWins = !managed || ownerOf(policy, field) === 'user';
    profile[field] = userWins && fromUser !== undefined ? fromUser : fromDirectory;
  }
  return profile;
}

/** Why an edit is refused, or undefined when it is allowed. */
export function editRefusal(
  field: string,
  fields: readonly string[],
  policy: OwnershipPolicy,
  managed: boolean,
): string | undefined {
  if (!fields.includes(field)) return `"${field}" is not a profile field of this tenant (${fields.join(', ')}).`;
  if (managed && ownerOf(policy, field) === 'directory') {
    return `"${field}" is owned by the directory while SCIM is connected: change it in Entra ID (or make it user-owned with "scim-admin policy set").`;
  }
  return undefined;
}

/** Names of fields whose values differ between two profiles. */
export function changedFields(before: Profile, after: Profile): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((field) => (before[field] ?? null) !== (after[field] ?? null))
    .sort();
}
