import { ConnectorConflict } from '../writes/write-conflicts';
import {
  checkClientId,
  checkClientSecret,
  checkEntraTenantId,
  checkSchedule,
  checkServiceRoot,
  checkTimeZone,
  ConnectorError,
  NATIONAL_CLOUDS,
  parseFilters,
  type ConnectorRecord,
  type NationalCloud,
} from '../../sync/connector';
import { checkPropertyMap, userSelect } from '../../sync/mapping';
import { runSummary, type RunRecord } from '../../sync/run-record';
import { isLiveToken, type TenantRecord } from '../../tenancy/tenant';
import { AdminError } from '../admin-error';
import type { ReconcileOptions } from '../profiles/profile-admin';
import { writeTenantChange } from '../tenants/connection-change';
import { tenantToChange } from '../tenants/tenant-to-change';
import type { SyncDependencies } from './sync-ports';

export interface ConnectRequest {
  readonly tenantId: string;
  readonly entraTenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly cloud?: string;
  readonly graphUrl?: string;
  readonly loginUrl?: string;
  readonly schedule?: string;
  readonly timeZone?: string;
  readonly filters: readonly string[];
  readonly groups: readonly string[];
  /** `field=graphProperty` pairs. */
  readonly map: readonly string[];
  /** Revoke the tenant's live SCIM tokens instead of refusing (the explicit switch from SCIM push). */
  readonly revokeScimTokens?: boolean;
}

function endpointsOf(request: ConnectRequest): Pick<ConnectorRecord, 'cloud' | 'graphUrl' | 'loginUrl'> {
  if (request.graphUrl !== undefined || request.loginUrl !== undefined) {
    if (request.cloud !== undefined)
      throw new ConnectorError('Give either --cloud or --graph-url with --login-url, not both.');
    if (request.graphUrl === undefined || request.loginUrl === undefined)
      throw new ConnectorError('--graph-url and --login-url go together.');
    return {
      cloud: 'custom',
      graphUrl: checkServiceRoot('--graph-url', request.graphUrl),
      loginUrl: checkServiceRoot('--login-url', request.loginUrl),
    };
  }
  const cloud = (request.cloud ?? 'global') as NationalCloud;
  if (!(cloud in NATIONAL_CLOUDS))
    throw new ConnectorError(`--cloud "${request.cloud}" is not one of ${Object.keys(NATIONAL_CLOUDS).join(', ')}.`);
  return { cloud, ...NATIONAL_CLOUDS[cloud] };
}

function propertyMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0 || equals === pair.length - 1)
      throw new ConnectorError(`--map "${pair}" is not <field>=<Graph property>.`);
    map[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return map;
}

/**
 * `sync connect`: validates every setting first (nothing is written on a bad one), stores the
 * secret behind ConnectorSecrets, writes the connector and marks the tenant Graph-connected. Refused
 * while the tenant has live SCIM tokens unless `revokeScimTokens` (then they are revoked in the same
 * tenant write). A changed $select or directory drops the delta links: the next run is a full pull.
 */
export async function connectSync(
  deps: SyncDependencies,
  request: ConnectRequest,
  options: ReconcileOptions = {},
): Promise<ConnectorRecord> {
  const tenant = await tenantToChange(deps, request.tenantId);
  try {
    checkEntraTenantId(request.entraTenantId);
    checkClientId(request.clientId);
    checkClientSecret(request.clientSecret);
    const timeZone = request.timeZone ?? 'UTC';
    checkTimeZone(timeZone);
    if (request.schedule !== undefined) checkSchedule(request.schedule, timeZone);
    const endpoints = endpointsOf(request);
    const filters = parseFilters(request.filters, request.groups);
    const properties = propertyMap(request.map);
    checkPropertyMap(properties, tenant.profile ?? {});

    const now = deps.clock.now();
    const live = tenant.tokens.filter((token) => isLiveToken(token, now));
    if (live.length > 0 && !request.revokeScimTokens) {
      throw new AdminError(
        `Tenant "${tenant.tenantId}" has ${live.length} live SCIM token(s) (${live.map((token) => token.id).join(', ')}): SCIM push and a Graph pull would both write its directory. Turn off provisioning in Entra, then run again with --revoke-scim-tokens (or revoke them with "token revoke").`,
      );
    }

    const existing = await deps.sync.getConnector(tenant.tenantId);
    const at = now.toISOString();
    const draft: ConnectorRecord = {
      tenantId: tenant.tenantId,
      entraTenantId: request.entraTenantId,
      clientId: request.clientId,
      ...endpoints,
      ...(request.schedule !== undefined ? { schedule: request.schedule.trim() } : {}),
      timeZone,
      filters,
      properties,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
      secretSetAt: at,
      version: (existing?.version ?? 0) + 1,
    };
    const sameRound =
      existing !== undefined &&
      existing.entraTenantId === draft.entraTenantId &&
      existing.graphUrl === draft.graphUrl &&
      userSelect(existing, tenant.profile ?? {}).join(',') === userSelect(draft, tenant.profile ?? {}).join(',');
    const connector: ConnectorRecord = {
      ...draft,
      ...(sameRound && existing?.delta ? { delta: existing.delta } : {}),
      ...(sameRound && existing?.scopeGroups ? { scopeGroups: existing.scopeGroups } : {}),
      ...(existing?.lastScheduledAt ? { lastScheduledAt: existing.lastScheduledAt } : {}),
    };

    await deps.secrets.put(tenant.tenantId, request.clientSecret);
    await deps.sync.putConnector(connector, existing?.version);
    const updated: TenantRecord = {
      ...tenant,
      status: 'connected',
      directorySource: 'graph',
      tokens: tenant.tokens.map((token) => (isLiveToken(token, now) ? { ...token, revokedAt: at } : token)),
      version: tenant.version + 1,
    };
    await writeTenantChange(deps, tenant, updated, at, options);
    return connector;
  } catch (error) {
    if (error instanceof ConnectorError) throw new AdminError(error.message);
    if (error instanceof ConnectorConflict)
      throw new AdminError(`The connector of "${tenant.tenantId}" changed while connecting: run the command again.`);
    throw error;
  }
}

/**
 * `sync disconnect`: deletes the connector, its links and its secret; the tenant becomes
 * disconnected (accounts turn manual, as after a SCIM disconnect) and may be reconnected to SCIM
 * with `tenant reconnect`, or to Graph again with `sync connect`. Refused while a run holds the lease.
 */
export async function disconnectSync(
  deps: SyncDependencies,
  tenantId: string,
  options: ReconcileOptions = {},
): Promise<void> {
  const tenant = await tenantToChange(deps, tenantId);
  const connector = await deps.sync.getConnector(tenantId);
  if (!connector) throw new AdminError(`Tenant "${tenantId}" has no Graph connector.`);
  const lease = await deps.sync.getLease(tenantId);
  if (lease && Date.parse(lease.until) > deps.clock.now().getTime()) {
    throw new AdminError(
      `A sync run (${lease.runId}) of "${tenantId}" is in progress: wait for it to finish ("sync status"), then disconnect.`,
    );
  }
  await deps.sync.deleteConnector(tenantId);
  await deps.secrets.delete(tenantId);
  const { directorySource: _source, ...rest } = tenant;
  const updated: TenantRecord = { ...rest, status: 'disconnected', version: tenant.version + 1 };
  const at = deps.clock.now().toISOString();
  await writeTenantChange(deps, tenant, updated, at, options);
}

/** What `sync status` shows: the connector (never its secret) and its last runs. */
export async function syncStatus(deps: SyncDependencies, tenantId: string, limit = 10) {
  const connector = await deps.sync.getConnector(tenantId);
  const runs: RunRecord[] = await deps.sync.listRuns(tenantId, limit);
  if (!connector && runs.length === 0)
    throw new AdminError(`Tenant "${tenantId}" has no Graph connector: connect one with "sync connect".`);
  const now = deps.clock.now().getTime();
  return {
    tenantId,
    connected: connector !== undefined,
    ...(connector
      ? {
          connector: {
            entraTenantId: connector.entraTenantId,
            clientId: connector.clientId,
            cloud: connector.cloud,
            graphUrl: connector.graphUrl,
            loginUrl: connector.loginUrl,
            schedule: connector.schedule ?? null,
            timeZone: connector.timeZone,
            filters: connector.filters,
            properties: connector.properties,
            secretSetAt: connector.secretSetAt,
            deltaLinkAgeSeconds: connector.delta?.at
              ? Math.max(0, Math.round((now - Date.parse(connector.delta.at)) / 1000))
              : null,
          },
        }
      : {}),
    runs: runs.map(runSummary),
  };
}
