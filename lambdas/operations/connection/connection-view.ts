import type { ConnectionView } from '../../contracts/connection';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies } from '../ports';
import { listTokens } from '../tenant-admin';

/** How far back the health summary counts failed requests. */
export const FAILURE_WINDOW_MS = 24 * 3_600_000;
/** The failure count stops here (`failuresCapped`): one bounded Query, whatever a bad day looked like. */
export const FAILURE_COUNT_CAP = 1000;

/**
 * EXTENSION POINT for other credentials (OAuth clients, federation; docs/portal.md "Extension
 * point"): each extension adds its own fields to the connection view from the tenant record, e.g.
 * `(tenant) => ({ oauthClients: tenant.oauthClients?.map(…) ?? [] })`. None is registered yet, so
 * the view has no `oauthClients` field rather than a made-up empty one.
 */
export type ConnectionExtension = (tenant: TenantRecord) => Readonly<Record<string, unknown>>;
export const CONNECTION_EXTENSIONS: readonly ConnectionExtension[] = [];

function latest(times: readonly (string | undefined)[]): string | null {
  return times.filter((time): time is string => time !== undefined).sort().at(-1) ?? null;
}

/**
 * Reads a connection's facts — counts, tokens with their last use, last request, failures in 24 h —
 * for `scim-admin tenant show`, the connection API and the page alike (one function, so they cannot
 * drift apart), plus whatever the extensions add.
 */
export async function describeConnection(
  deps: Pick<Dependencies, 'tenants' | 'directory' | 'log' | 'clock' | 'tokenKeys' | 'ids'>,
  tenant: TenantRecord,
  tenantUrl: string,
  extensions: readonly ConnectionExtension[] = CONNECTION_EXTENSIONS,
): Promise<ConnectionView & Readonly<Record<string, unknown>>> {
  const since = new Date(deps.clock.now().getTime() - FAILURE_WINDOW_MS).toISOString();
  const [users, groups, tokens, newest, failures] = await Promise.all([
    deps.directory.countResources(tenant.tenantId, 'User'),
    deps.directory.countResources(tenant.tenantId, 'Group'),
    listTokens(deps, tenant.tenantId),
    deps.log.list(tenant.tenantId, { scimOnly: true, limit: 1 }),
    deps.log.list(tenant.tenantId, { since, outcome: 'failed', scimOnly: true, limit: FAILURE_COUNT_CAP + 1 }),
  ]);
  return {
    ...Object.assign({}, ...extensions.map((extension) => extension(tenant))),
    tenantId: tenant.tenantId,
    displayName: tenant.displayName,
    status: tenant.status,
    createdAt: tenant.createdAt,
    tenantUrl,
    users,
    groups,
    tokens,
    lastRequestAt: latest([...tokens.map((token) => token.lastUsedAt), newest[0]?.at]),
    failuresLast24h: Math.min(failures.length, FAILURE_COUNT_CAP),
    failuresCapped: failures.length > FAILURE_COUNT_CAP,
  };
}
