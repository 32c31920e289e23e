import { ScimError } from '../../scim/errors';
import { fieldsOf, mappingOf, ownerOf, policyOf, PROFILE_FIELDS, type Owner } from '../../tenancy/profile';
import type { TenantRecord } from '../../tenancy/tenant';
import { setMapping, setPolicy } from '../profiles/profile-admin';
import { asConnectionCall, objectBody, recordAction } from './actions';
import { tenantOf, tenantUrlBaseOfRequest, type ConnectionOperation } from './request';

/** The source-of-truth policy and mapping of a tenant, field by field (docs/ownership.md). */
export function settingsView(tenant: TenantRecord) {
  const settings = tenant.profile ?? {};
  const policy = policyOf(settings);
  const mapping = mappingOf(settings);
  return {
    policy: { default: policy.default, fields: policy.fields },
    fields: fieldsOf(settings).map((name) => ({
      name,
      owner: ownerOf(policy, name),
      ownerIsDefault: policy.fields[name] === undefined,
      mapping: mapping[name] ?? null,
      builtIn: (PROFILE_FIELDS as readonly string[]).includes(name),
    })),
  };
}

const isOwner = (value: unknown): value is Owner => value === 'directory' || value === 'user';

/** GET …/settings */
export const getConnectionSettings: ConnectionOperation = async (request) => ({
  status: 200,
  body: settingsView(tenantOf(request)),
});

/** PUT …/settings/policy `{"default": "directory", "fields": {"mobilePhone": "user"}}`: every user's effective profile follows. */
export const setConnectionPolicy: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  const body = objectBody(request, '{"default": "directory" | "user", "fields": {"<field>": "directory" | "user"}}');
  if (!isOwner(body.default)) throw ScimError.badRequest('invalidValue', 'default must be "directory" or "user".');
  const fields = body.fields ?? {};
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw ScimError.badRequest('invalidValue', 'fields must be an object of field → "directory" | "user".');
  const known = fieldsOf(tenant.profile ?? {});
  for (const [field, owner] of Object.entries(fields)) {
    if (!known.includes(field))
      throw ScimError.badRequest('invalidValue', `"${field.slice(0, 64)}" is not a profile field of this tenant.`);
    if (!isOwner(owner)) throw ScimError.badRequest('invalidValue', `fields.${field} must be "directory" or "user".`);
  }
  const policy = { default: body.default, fields: fields as Record<string, Owner> };
  const result = await asConnectionCall(400, () =>
    setPolicy(deps, tenant.tenantId, policy, { tenantUrlBase: tenantUrlBaseOfRequest(request) }),
  );
  const before = policyOf(tenant.profile ?? {});
  const changed = known.filter((field) => ownerOf(before, field) !== ownerOf(policy, field));
  await recordAction(deps, request, {
    operation: 'setPolicy',
    status: 200,
    resourceType: 'Tenant',
    detail:
      changed.length > 0
        ? changed.map((field) => `${field} → ${ownerOf(policy, field)}`).join(', ')
        : `default ${policy.default}, no owner changed`,
    ...(changed.length > 0 ? { changed: changed.slice(0, 50) } : {}),
  });
  return { status: 200, body: { ...settingsView(result.tenant), usersUpdated: result.usersUpdated } };
};

/** PATCH …/settings/mapping `{"mapping": {"pronouns": "urn:…:pronouns", "title": ""}}` (empty restores the default). */
export const setConnectionMapping: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  const body = objectBody(request, '{"mapping": {"<field>": "<SCIM attribute path>" | ""}}');
  const mapping = body.mapping;
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping) || Object.keys(mapping).length === 0) {
    throw ScimError.badRequest(
      'invalidValue',
      'mapping must be a non-empty object of field → SCIM attribute path ("" restores the default).',
    );
  }
  const entries: Record<string, string> = {};
  for (const [field, path] of Object.entries(mapping)) {
    if (typeof path !== 'string' || path.length > 256)
      throw ScimError.badRequest(
        'invalidValue',
        `mapping.${field.slice(0, 64)} must be an attribute path of at most 256 characters.`,
      );
    entries[field] = path.trim();
  }
  const result = await asConnectionCall(400, () =>
    setMapping(deps, tenant.tenantId, entries, { tenantUrlBase: tenantUrlBaseOfRequest(request) }),
  );
  await recordAction(deps, request, {
    operation: 'setMapping',
    status: 200,
    resourceType: 'Tenant',
    detail: Object.entries(entries)
      .map(([field, path]) => `${field} ← ${path || '(default)'}`)
      .join(', '),
    changed: Object.keys(entries).slice(0, 50),
  });
  return { status: 200, body: { ...settingsView(result.tenant), usersUpdated: result.usersUpdated } };
};
