import { randomUUID } from 'node:crypto';
import {
  clientsOf,
  generateClientId,
  generateClientSecret,
  isLiveClient,
  MAX_LIVE_CLIENTS,
  type FederationRecord,
  type OAuthClientRecord,
} from '../../tenancy/oauth-clients';
import type { TenantRecord } from '../../tenancy/tenant';
import { digestToken } from '../../tenancy/tokens';
import { AdminError } from '../admin-error';
import type { Dependencies } from '../ports';
import { tenantToChange } from '../tenants/tenant-to-change';

type AdminDeps = Pick<Dependencies, 'tenants' | 'tokenKeys' | 'clock'>;

export interface CreatedClient {
  readonly tenant: TenantRecord;
  readonly client: OAuthClientRecord;
  /** The plaintext secret: shown once, never stored. */
  readonly clientSecret: string;
}

/** A client as the CLI shows it: never its digest. */
export type ClientView = Omit<OAuthClientRecord, 'secretDigest' | 'keyVersion'> & { readonly live: boolean };

/** Creates an OAuth client with a new secret; refused past MAX_LIVE_CLIENTS live clients. */
export async function createClient(
  deps: AdminDeps,
  tenantId: string,
  options: { label?: string; expiresAt?: string } = {},
): Promise<CreatedClient> {
  const tenant = await tenantToChange(deps, tenantId);
  if (tenant.status !== 'connected') throw new AdminError(`Tenant "${tenantId}" is disconnected: reconnect it first.`);
  const now = deps.clock.now();
  const live = clientsOf(tenant).filter((client) => isLiveClient(client, now));
  if (live.length >= MAX_LIVE_CLIENTS) {
    throw new AdminError(
      `Tenant "${tenantId}" already has ${MAX_LIVE_CLIENTS} live OAuth clients (${live.map((c) => c.clientId).join(', ')}): revoke one first.`,
    );
  }
  const ring = await deps.tokenKeys.getKeyRing();
  const clientSecret = generateClientSecret();
  const client: OAuthClientRecord = {
    clientId: generateClientId(),
    label: options.label ?? 'default',
    secretDigest: digestToken(clientSecret, ring.keys[ring.current] as string),
    keyVersion: ring.current,
    createdAt: now.toISOString(),
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
  };
  const updated: TenantRecord = {
    ...tenant,
    oauthClients: [...clientsOf(tenant), client],
    version: tenant.version + 1,
  };
  await deps.tenants.updateTenant(updated, tenant.version);
  return { tenant: updated, client, clientSecret };
}

/** The tenant's OAuth clients, oldest first. */
export async function listClients(deps: AdminDeps, tenantId: string): Promise<ClientView[]> {
  const tenant = await tenantToChange(deps, tenantId);
  return clientViews(tenant, deps.clock.now());
}

/** The tenant's clients without digests, each marked live or not. */
export function clientViews(tenant: TenantRecord, now: Date): ClientView[] {
  return clientsOf(tenant).map((client) => {
    const { secretDigest: _digest, keyVersion: _version, ...view } = client;
    return { ...view, live: isLiveClient(client, now) };
  });
}

/** Revokes a client: no new access token at once, existing ones stop within the tenant cache TTL. */
export async function revokeClient(deps: AdminDeps, tenantId: string, clientId: string): Promise<TenantRecord> {
  const tenant = await tenantToChange(deps, tenantId);
  const target = clientsOf(tenant).find((client) => client.clientId === clientId);
  if (!target) throw new AdminError(`Tenant "${tenantId}" has no OAuth client "${clientId}".`);
  if (target.revokedAt) return tenant;
  const revokedAt = deps.clock.now().toISOString();
  const updated: TenantRecord = {
    ...tenant,
    oauthClients: clientsOf(tenant).map((client) => (client.clientId === clientId ? { ...client, revokedAt } : client)),
    version: tenant.version + 1,
  };
  await deps.tenants.updateTenant(updated, tenant.version);
  return updated;
}

/** A required text option, trimmed. */
function required(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 1024) throw new AdminError(`${what} must be 1 to 1024 characters.`);
  return trimmed;
}

/**
 * Trusts `issuer`'s JWTs about `subject` for `audience` (RFC 7523), replacing any earlier trust (whose
 * access tokens then stop working). `isAllowedJwksUrl` is the caller's URL policy (HTTPS outside local mode).
 */
export async function federateTenant(
  deps: AdminDeps,
  tenantId: string,
  input: { issuer: string; jwksUrl: string; subject: string; audience: string },
  isAllowedJwksUrl: (url: string) => boolean,
): Promise<TenantRecord> {
  const tenant = await tenantToChange(deps, tenantId);
  if (tenant.status !== 'connected') throw new AdminError(`Tenant "${tenantId}" is disconnected: reconnect it first.`);
  const jwksUrl = required(input.jwksUrl, '--jwks-url');
  if (!isAllowedJwksUrl(jwksUrl)) {
    throw new AdminError(`--jwks-url "${jwksUrl}" must be an https:// URL (http:// only to 127.0.0.1 in local mode).`);
  }
  const federation: FederationRecord = {
    id: randomUUID().slice(0, 8),
    issuer: required(input.issuer, '--issuer'),
    jwksUrl,
    subject: required(input.subject, '--subject'),
    audience: required(input.audience, '--audience'),
    createdAt: deps.clock.now().toISOString(),
  };
  const updated: TenantRecord = { ...tenant, federation, version: tenant.version + 1 };
  await deps.tenants.updateTenant(updated, tenant.version);
  return updated;
}

/** Removes the federation: no new token at once, existing ones stop within the tenant cache TTL. */
export async function unfederateTenant(deps: AdminDeps, tenantId: string): Promise<TenantRecord> {
  const tenant = await tenantToChange(deps, tenantId);
  if (!tenant.federation) throw new AdminError(`Tenant "${tenantId}" is not federated.`);
  const { federation: _removed, ...rest } = tenant;
  const updated: TenantRecord = { ...rest, version: tenant.version + 1 };
  await deps.tenants.updateTenant(updated, tenant.version);
  return updated;
}

/** A disconnect ends OAuth too: every client revoked and the federation removed (reconnecting needs new ones). */
export function revokedOAuth(tenant: TenantRecord, at: string): Pick<TenantRecord, 'oauthClients' | 'federation'> {
  const { oauthClients } = tenant;
  return oauthClients
    ? {
        oauthClients: oauthClients.map((client) => (client.revokedAt ? client : { ...client, revokedAt: at })),
        federation: undefined,
      }
    : { federation: undefined };
}
