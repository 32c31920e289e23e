import { isFetchableJwksUrl } from '../adapters/jwks/remote-key-sets';
import { OAUTH_BASE_PATH, SCIM_BASE_PATH } from '../contracts/routes';
import type { Dependencies } from '../operations/ports';
import { clientViews, createClient, federateTenant, listClients, revokeClient, unfederateTenant, type ClientView } from '../operations/oauth-admin';
import type { FederationRecord } from '../tenancy/oauth-clients';
import type { TenantRecord } from '../tenancy/tenant';
import type { Target } from './target';

/** The `oauth …` lines of the CLI's USAGE. */
export const OAUTH_USAGE = `  oauth create <tenant> [--label <label>] [--expires-in 365d]
  oauth list <tenant> [--json]
  oauth revoke <tenant> <clientId>
  oauth federate <tenant> --issuer <iss> --jwks-url <url> --subject <sub> --audience <aud>
  oauth unfederate <tenant>`;

/** Options the oauth commands add to the CLI's parser. */
export const OAUTH_OPTIONS = {
  issuer: { type: 'string' },
  'jwks-url': { type: 'string' },
  subject: { type: 'string' },
  audience: { type: 'string' },
} as const;

export interface OAuthCommandContext {
  readonly positionals: readonly string[];
  readonly values: { readonly json?: boolean; readonly label?: string; readonly issuer?: string; readonly 'jwks-url'?: string; readonly subject?: string; readonly audience?: string };
  readonly expiresAt?: string;
  readonly target: Target;
  readonly deps: Dependencies;
  readonly out: (line: string) => void;
  /** Throws the CLI's usage error (exit code 2). */
  readonly usage: (message: string) => never;
}

/** `<base>/scim/v2` → `<base>/oauth2/v1/<tenant>/token`: the Token URL to paste into Entra. */
export function tokenUrlOf(tenantUrlBase: string, tenantId: string): string {
  const base = tenantUrlBase.endsWith(SCIM_BASE_PATH) ? tenantUrlBase.slice(0, -SCIM_BASE_PATH.length) : tenantUrlBase;
  return `${base}${OAUTH_BASE_PATH.replace('{tenantId}', encodeURIComponent(tenantId))}/token`;
}

function need(context: OAuthCommandContext, index: number, what: string): string {
  const value = context.positionals[index];
  if (value === undefined || value === '') context.usage(`Missing ${what}.`);
  return value as string;
}

function describeClient(client: ClientView): string {
  const state = client.revokedAt ? `revoked ${client.revokedAt}` : client.live ? 'live' : `expired ${client.expiresAt}`;
  return `${client.clientId}  ${state.padEnd(36)} "${client.label}" created ${client.createdAt}${client.expiresAt && client.live ? ` expires ${client.expiresAt}` : ''}`;
}

/** The tenant's OAuth facts for `tenant show` (no digest, no secret). */
export function oauthSummary(tenant: TenantRecord, target: Target, now: Date): { tokenUrl: string; oauthClients: ClientView[]; federation: FederationRecord | null } {
  return { tokenUrl: tokenUrlOf(target.tenantUrlBase, tenant.tenantId), oauthClients: clientViews(tenant, now), federation: tenant.federation ?? null };
}

/** The `tenant show` lines of the OAuth summary. */
export function oauthShowLines(summary: ReturnType<typeof oauthSummary>): string[] {
  const lines = [`Token URL:    ${summary.tokenUrl}`];
  for (const client of summary.oauthClients) lines.push(`OAuth client: ${describeClient(client)}`);
  const { federation } = summary;
  if (federation) lines.push(`Federation:   issuer ${federation.issuer} subject ${federation.subject} audience ${federation.audience} jwks ${federation.jwksUrl}`);
  else lines.push('Federation:   none');
  return lines;
}

/** Runs one `oauth …` command. */
export async function runOAuthCommand(command: string, context: OAuthCommandContext): Promise<void> {
  const { deps, target, values, out } = context;
  const tenantId = need(context, 2, 'tenant id');
  const tokenUrl = tokenUrlOf(target.tenantUrlBase, tenantId);
  switch (command) {
    case 'oauth create': {
      const created = await createClient(deps, tenantId, { ...(values.label ? { label: values.label } : {}), ...(context.expiresAt ? { expiresAt: context.expiresAt } : {}) });
      if (values.json) {
        out(JSON.stringify({ clientId: created.client.clientId, clientSecret: created.clientSecret, tokenUrl, expiresAt: created.client.expiresAt ?? null }, null, 2));
        return;
      }
      out(`Client ID:     ${created.client.clientId}`);
      out(`Client Secret: ${created.clientSecret}`);
      out(`Token URL:     ${tokenUrl}`);
      out('The client secret is shown once and never stored: paste it into the provisioning settings now.');
      return;
    }
    case 'oauth list': {
      const clients = await listClients(deps, tenantId);
      if (values.json) {
        out(JSON.stringify(clients, null, 2));
        return;
      }
      if (clients.length === 0) out('No OAuth clients.');
      for (const client of clients) out(describeClient(client));
      return;
    }
    case 'oauth revoke': {
      const clientId = need(context, 3, 'client id');
      await revokeClient(deps, tenantId, clientId);
      out(`OAuth client ${clientId} of "${tenantId}" is revoked: it gets no new access token, and its access tokens stop working within 30 s.`);
      return;
    }
    case 'oauth federate': {
      const missing = (['issuer', 'jwks-url', 'subject', 'audience'] as const).filter((name) => !values[name]);
      if (missing.length > 0) context.usage(`oauth federate needs ${missing.map((name) => `--${name}`).join(', ')}.`);
      const loopbackAllowed = target.config.tokenKeyFile !== undefined && target.config.tokenKeySecretArn === undefined;
      await federateTenant(
        deps,
        tenantId,
        { issuer: values.issuer as string, jwksUrl: values['jwks-url'] as string, subject: values.subject as string, audience: values.audience as string },
        (url) => isFetchableJwksUrl(url, loopbackAllowed),
      );
      out(`Token URL:     ${tokenUrl}`);
      out(`Tenant "${tenantId}" trusts JWTs from ${values.issuer} about ${values.subject} for ${values.audience}.`);
      return;
    }
    case 'oauth unfederate': {
      await unfederateTenant(deps, tenantId);
      out(`Tenant "${tenantId}" no longer trusts federated JWTs; access tokens issued for them stop working within 30 s.`);
      return;
    }
    default:
      context.usage(`Unknown command "${command}".`);
  }
}
