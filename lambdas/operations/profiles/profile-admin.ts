import { buildEvent } from '../../events/catalog';
import { readPatchPath } from '../../scim/patch/path';
import { renderResource } from '../../scim/resources/render';
import { USER_RESOURCE_TYPE } from '../../scim/schema/attributes';
import { withCustomExtensions } from '../../scim/schema/custom';
import { changedFields, FIELD_NAME, type OwnershipPolicy, type ProfileSettings } from '../../tenancy/profile';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies, StoredResource } from '../ports';
import { profileOf } from './effective-profile';
import { AdminError } from '../admin-error';
import { tenantToChange } from '../tenants/tenant-to-change';
import { userTypeOfTenant } from './tenant-schema';
import { commitUserChange } from '../scim/users/user-writes';
import { isCommitFailure } from '../writes/write-plan';

type ProfileAdminDeps = Pick<Dependencies, 'tenants' | 'directory' | 'writes' | 'guard' | 'clock' | 'ids'>;

/** How an admin change that touches every user reports progress, and where its events' links point. */
export interface ReconcileOptions {
  readonly onProgress?: (usersDone: number) => void;
  /** Tenant URLs start here (`https://host/scim/v2`), for `meta.location` in event snapshots. */
  readonly tenantUrlBase?: string;
}

const PAGE = 200;

/**
 * After a tenant's policy, mapping or connection changed: every user whose effective profile changed
 * gets the next version and a `User Updated` event carrying the new profile. Admin-only work, O(users).
 */
export async function reconcileProfiles(
  deps: ProfileAdminDeps,
  before: TenantRecord,
  after: TenantRecord,
  options: ReconcileOptions = {},
): Promise<number> {
  const tenantUrl = `${options.tenantUrlBase ?? ''}/${after.tenantId}`;
  const requestId = `admin-${deps.ids.newId()}`;
  let updated = 0;
  let done = 0;
  let afterId: string | undefined;
  do {
    const page = await deps.directory.listUsers(after.tenantId, afterId === undefined ? {} : { afterId }, PAGE);
    for (const listed of page.items) {
      // A user written meanwhile (a PATCH from Entra) is read again: the change is applied to the newest version.
      for (let user: StoredResource | undefined = listed; user && !user.deleting;) {
        const previous = profileOf(before, user);
        const profile = profileOf(after, user);
        const changed = changedFields(previous, profile);
        if (changed.length === 0) break;
        const now = deps.clock.now().toISOString();
        const next: StoredResource = { ...user, version: user.version + 1, lastModified: now };
        const event = buildEvent({
          detailType: 'User Updated',
          tenantId: after.tenantId,
          resourceType: 'User',
          resourceId: user.id,
          version: next.version,
          occurredAt: now,
          requestId,
          changedAttributes: changed.map((field) => `profile.${field}`),
          previous: Object.fromEntries(changed.map((field) => [`profile.${field}`, previous[field] ?? null])),
          snapshot: renderResource(userTypeOfTenant(after), next, next.data, tenantUrl),
          profile,
        });
        try {
          await commitUserChange(deps, after.tenantId, user, next, event);
          updated += 1;
          break;
        } catch (error) {
          if (!isCommitFailure(error, 'versionConflict', 'transactionConflict')) throw error;
          user = await deps.directory.getUser(after.tenantId, user.id);
        }
      }
      done += 1;
    }
    options.onProgress?.(done);
    afterId = page.lastId;
  } while (afterId !== undefined);
  return updated;
}

async function changeSettings(
  deps: ProfileAdminDeps,
  tenantId: string,
  change: (settings: ProfileSettings) => ProfileSettings,
  options: ReconcileOptions,
) {
  const tenant = await tenantToChange(deps, tenantId);
  const updated: TenantRecord = { ...tenant, profile: change(tenant.profile ?? {}), version: tenant.version + 1 };
  await deps.tenants.updateTenant(updated, tenant.version);
  const users = await reconcileProfiles(deps, tenant, updated, options);
  return { tenant: updated, usersUpdated: users };
}

/** Sets the ownership policy: a default owner and per-field owners (hybrid). */
export async function setPolicy(
  deps: ProfileAdminDeps,
  tenantId: string,
  policy: OwnershipPolicy,
  options: ReconcileOptions = {},
) {
  for (const field of Object.keys(policy.fields)) {
    if (!FIELD_NAME.test(field)) throw new AdminError(`"${field}" is not a field name (letters and digits).`);
  }
  return changeSettings(deps, tenantId, (settings) => ({ ...settings, policy }), options);
}

/**
 * Maps fields to SCIM attribute paths (`field=path`; an empty path removes the tenant's mapping and
 * restores the default). A path in the tenant's own extension (`urn:…:extension:acme:2.0:User:x`)
 * declares that extension: Entra can then send it, and it is stored and listed in /Schemas.
 */
export async function setMapping(
  deps: ProfileAdminDeps,
  tenantId: string,
  entries: Readonly<Record<string, string>>,
  options: ReconcileOptions = {},
) {
  for (const [field, path] of Object.entries(entries)) {
    if (!FIELD_NAME.test(field)) throw new AdminError(`"${field}" is not a field name (letters and digits).`);
    if (path === '') continue;
    let parsed;
    try {
      parsed = readPatchPath(path, withCustomExtensions(USER_RESOURCE_TYPE, [path]), 'mapping');
    } catch (error) {
      throw new AdminError(`${field}=${path}: ${(error as Error).message}`, { cause: error });
    }
    if (!parsed)
      throw new AdminError(
        `${field}=${path}: the path names no User attribute (core, enterprise, or urn:ietf:params:scim:schemas:extension:<name>:2.0:User:<attribute>).`,
      );
  }
  return changeSettings(
    deps,
    tenantId,
    (settings) => {
      const mapping: Record<string, string> = { ...settings.mapping };
      for (const [field, path] of Object.entries(entries)) {
        if (path === '') delete mapping[field];
        else mapping[field] = path;
      }
      return { ...settings, mapping };
    },
    options,
  );
}
