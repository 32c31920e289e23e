import { OAUTH_BASE_PATH, TENANT_BASE_PATH } from '../../contracts/routes';
import { clientViews } from '../credentials/oauth-admin';
import type { ConnectionView } from '../../contracts/connection';
import type { TenantRecord } from '../../tenancy/tenant';
import type { Dependencies } from '../ports';
import { listTokens } from '../tenants/tenant-admin';

/** How far back the health summary counts failed requests. */
export const FAILURE_WINDOW_MS = 24 * 3_600_000;
/** The failure count stops here (`failuresCapped`): one bounded Query, whatever a bad day looked like. */
export const FAILURE_COUNT_CAP = 1000;

/**
 * Other credentials' fields in the connection view (docs/portal.md "Extension point"): each
 * extension adds its own fields from the tenant record. OAuth adds its clients and federation.
 */
export type ConnectionExtension = (
  tenant: TenantRecord,
  now: Date,
  tenantUrl: string,
) => Readonly<Record<string, unknown>>;

/** OAuth clients (never a secret or digest) and the federation trust, as `tenant show` lists them. */
const oauthConnection: ConnectionExtension = (tenant, now, tenantUrl) => {
  const scimPath = TENANT_BASE_PATH.replace('{tenantId}', encodeURIComponent(tenant.tenantId));
  const base = tenantUrl.endsWith(scimPath) ? tenantUrl.slice(0, -scimPath.length) : tenantUrl;
  return {
    tokenUrl: `${base}${OAUTH_BASE_PATH.replace('{tenantId}', encodeURIComponent(tenant.tenantId))}/token`,
    oauthClients: clientViews(tenant, now),
    federation: tenant.federation ?? null,
  };
};

export const CONNECTION_EXTENSIONS: readonly ConnectionExtension[] = [oauthConnection];

function latest(times: readonly (string | undefined)[]): string | null {
  return (
    times
      .filter((time): time is string => time !== undefined)
      .sort()
      .at(-1) ?? null
  );
}

/**
 * Reads a connection's facts — counts, tokens with their last use, last request, failures in 24 h —
 * for `scim-admin tenant show`, the connection API and the page alike (one function, so they cannot
 * drift apart), plus whatever the extensions add.
 */
export async function describeConnection(
  deps: Pick<Dependencies, 'tenants' | 'directory' | 'writes' | 'guard' | 'log' | 'clock' | 'tokenKeys' | 'ids'>,
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
    ...Object.assign({}, ...extensions.map((extension) => extension(tenant, deps.clock.now(), tenantUrl))),
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
