import { randomUUID } from 'node:crypto';
import { createTenant } from '../../lambdas/operations/tenants/tenant-admin';
import { getWiring } from '../../lambdas/wiring';
import { scim, type ScimCall, type TestService } from './local-service';
import { suiteValue } from './suite-value';

import { ENTRA_ADSCIM_GROUP_SCHEMA, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from '../../lambdas/scim/schema/urns';

/** The service's own URNs (lambdas/scim/schema/urns.ts) under the short names the suites use. */
export {
  ERROR_MESSAGE as ERROR_URN,
  LIST_RESPONSE as LIST_URN,
  PATCH_OP as PATCH_URN,
  USER_SCHEMA as USER_URN,
  GROUP_SCHEMA as GROUP_URN,
  ENTERPRISE_USER_SCHEMA as ENTERPRISE_URN,
  ENTRA_ADSCIM_GROUP_SCHEMA as ADSCIM_GROUP_URN,
} from '../../lambdas/scim/schema/urns';

/** A Tenant URL and its token: the unit a conformance file provisions into. */
export interface ConformanceTenant {
  readonly tenantId: string;
  readonly tenantUrl: string;
  readonly token: string;
  readonly users: string;
  readonly groups: string;
}

/** A fresh, empty tenant on the running service (its own users, groups and counts). */
export async function newTenant(service: TestService, prefix = 'conf'): Promise<ConformanceTenant> {
  const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const { token } = await createTenant(getWiring().deps, tenantId);
  const tenantUrl = `${service.baseUrl}/${tenantId}`;
  return { tenantId, tenantUrl, token, users: `${tenantUrl}/Users`, groups: `${tenantUrl}/Groups` };
}

/** The suite's own fresh tenant on `service`, made before its tests (after the service has started). */
export function useTenant(service: TestService, prefix?: string): ConformanceTenant {
  return suiteValue("the suite's tenant", () => newTenant(service, prefix));
}

/** `<base>?filter=<encoded filter>` plus any extra raw query text. */
export function filterUrl(base: string, filter: string, extra = ''): string {
  return `${base}?${extra ? `${extra}&` : ''}filter=${encodeURIComponent(filter)}`;
}

export function patchBody(operations: unknown[]): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** A minimal user body with a unique userName and a work email. */
export function userBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  const local = `u${randomUUID().slice(0, 12)}`;
  return {
    schemas: [USER_SCHEMA],
    userName: `${local}@contoso.example`,
    externalId: local,
    active: true,
    displayName: `User ${local}`,
    emails: [{ primary: true, type: 'work', value: `${local}@contoso.example` }],
    ...overrides,
  };
}

/** POSTs a user and fails loudly unless it was created. */
export async function createUser(
  tenant: ConformanceTenant,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const response = await scim(tenant.users, tenant.token, { method: 'POST', body: userBody(overrides) });
  if (response.status !== 201)
    throw new Error(`creating a user answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Record<string, any>;
}

/** POSTs a group (Entra's body shape) and fails loudly unless it was created. */
export async function createGroup(
  tenant: ConformanceTenant,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const body = {
    schemas: [GROUP_SCHEMA, ENTRA_ADSCIM_GROUP_SCHEMA],
    displayName: `Group ${randomUUID().slice(0, 12)}`,
    externalId: randomUUID(),
    ...overrides,
  };
  const response = await scim(tenant.groups, tenant.token, { method: 'POST', body });
  if (response.status !== 201)
    throw new Error(`creating a group answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Record<string, any>;
}

/** The member ids of a group as stored, read by GET, sorted. */
export async function storedMemberIds(tenant: ConformanceTenant, groupId: string): Promise<string[]> {
  const response = await scim(`${tenant.groups}/${groupId}`, tenant.token);
  if (response.status !== 200) throw new Error(`reading group ${groupId} answered ${response.status}`);
  const members = (response.body?.members ?? []) as { value: string }[];
  return members.map((member) => member.value).sort();
}

/** The group ids a user's `groups` attribute lists, sorted. */
export async function storedGroupIds(tenant: ConformanceTenant, userId: string): Promise<string[]> {
  const response = await scim(`${tenant.users}/${userId}`, tenant.token);
  if (response.status !== 200) throw new Error(`reading user ${userId} answered ${response.status}`);
  const groups = (response.body?.groups ?? []) as { value: string }[];
  return groups.map((group) => group.value).sort();
}

/** Reads a resource and returns its body (or throws when it cannot be read). */
export async function read(tenant: ConformanceTenant, url: string): Promise<Record<string, any>> {
  const response = await scim(url, tenant.token);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return response.body as Record<string, any>;
}

export function ids(call: ScimCall): string[] {
  return ((call.body?.Resources ?? []) as { id: string }[]).map((resource) => resource.id);
}

export const sorted = (values: readonly string[]) => [...values].sort();
