import { isFetchableJwksUrl } from '../../adapters/jwks/remote-key-sets';
import {
  clientViews,
  createClient,
  federateTenant,
  listClients,
  revokeClient,
  unfederateTenant,
  type ClientView,
} from '../../operations/credentials/oauth-admin';
import { expiryFrom } from '../../operations/tenants/tenant-admin';
import type { FederationRecord } from '../../tenancy/oauth-clients';
import type { TenantRecord } from '../../tenancy/tenant';
import { defineCommand, printJson, TENANT_ARG, UsageError } from '../command';
import { tokenUrlOf, type Target } from '../target';
import { TOKEN_LABEL } from './token';

function describeClient(client: ClientView): string {
  const state = client.revokedAt ? `revoked ${client.revokedAt}` : client.live ? 'live' : `expired ${client.expiresAt}`;
  return `${client.clientId}  ${state.padEnd(36)} "${client.label}" created ${client.createdAt}${client.expiresAt && client.live ? ` expires ${client.expiresAt}` : ''}`;
}

/** The tenant's OAuth facts for `tenant show` (no digest, no secret). */
export function oauthSummary(
  tenant: TenantRecord,
  target: Target,
  now: Date,
): { tokenUrl: string; oauthClients: ClientView[]; federation: FederationRecord | null } {
  return {
    tokenUrl: tokenUrlOf(target.tenantUrlBase, tenant.tenantId),
    oauthClients: clientViews(tenant, now),
    federation: tenant.federation ?? null,
  };
}

/** The `tenant show` lines of the OAuth summary. */
export function oauthShowLines(summary: ReturnType<typeof oauthSummary>): string[] {
  const lines = [`Token URL:    ${summary.tokenUrl}`];
  for (const client of summary.oauthClients) lines.push(`OAuth client: ${describeClient(client)}`);
  const { federation } = summary;
  if (federation)
    lines.push(
      `Federation:   issuer ${federation.issuer} subject ${federation.subject} audience ${federation.audience} jwks ${federation.jwksUrl}`,
    );
  else lines.push('Federation:   none');
  return lines;
}

const FEDERATION_OPTIONS = {
  issuer: { type: 'string', value: '<iss>', required: true, help: "The assertion's expected iss." },
  'jwks-url': {
    type: 'string',
    value: '<url>',
    required: true,
    help: "The issuer's key set (https://; http://127.0.0.1 only with --local).",
  },
  subject: { type: 'string', value: '<sub>', required: true, help: "The assertion's expected sub." },
  audience: { type: 'string', value: '<aud>', required: true, help: "The assertion's expected aud." },
} as const;

/** `oauth …`: OAuth 2.0 client credentials and workload identity federation (docs/entra-setup.md). */
export const OAUTH_COMMANDS = [
  defineCommand({
    name: 'oauth create',
    args: [TENANT_ARG],
    options: {
      label: TOKEN_LABEL,
      'expires-in': {
        type: 'string',
        value: '365d',
        help: 'The client secret expires after this long (30m, 12h, 365d); default never.',
      },
    },
    help: 'Creates an OAuth client (at most two are live); prints Client ID:, Client Secret: and Token URL:.',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      const expiresAt = values['expires-in'] ? expiryFrom(values['expires-in'], deps.clock.now()) : undefined;
      const created = await createClient(deps, tenantId, {
        ...(values.label ? { label: values.label } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      });
      const tokenUrl = tokenUrlOf(target.tenantUrlBase, tenantId);
      if (values.json)
        return printJson(io, {
          clientId: created.client.clientId,
          clientSecret: created.clientSecret,
          tokenUrl,
          expiresAt: created.client.expiresAt ?? null,
        });
      io.out(`Client ID:     ${created.client.clientId}`);
      io.out(`Client Secret: ${created.clientSecret}`);
      io.out(`Token URL:     ${tokenUrl}`);
      io.out('The client secret is shown once and never stored: paste it into the provisioning settings now.');
    },
  }),
  defineCommand({
    name: 'oauth list',
    args: [TENANT_ARG],
    options: {},
    help: "Lists the tenant's OAuth clients: live, revoked or expired (never a digest).",
    async run({ args: [tenantId = ''], values, deps, io }) {
      const clients = await listClients(deps, tenantId);
      if (values.json) return printJson(io, clients);
      if (clients.length === 0) io.out('No OAuth clients.');
      for (const client of clients) io.out(describeClient(client));
    },
  }),
  defineCommand({
    name: 'oauth revoke',
    args: [TENANT_ARG, { label: '<clientId>', what: 'client id' }],
    options: {},
    help: 'Revokes one OAuth client: no new access tokens, and its access tokens stop working within 30 s.',
    async run({ args: [tenantId = '', clientId = ''], deps, io }) {
      await revokeClient(deps, tenantId, clientId);
      io.out(
        `OAuth client ${clientId} of "${tenantId}" is revoked: it gets no new access token, and its access tokens stop working within 30 s.`,
      );
    },
  }),
  defineCommand({
    name: 'oauth federate',
    args: [TENANT_ARG],
    options: FEDERATION_OPTIONS,
    help: 'Trusts JWT assertions (RFC 7523) from one issuer about one subject for one audience; prints Token URL:.',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      const { issuer, subject, audience, 'jwks-url': jwksUrl } = values;
      if (!issuer || !jwksUrl || !subject || !audience) {
        const missing = (Object.keys(FEDERATION_OPTIONS) as (keyof typeof FEDERATION_OPTIONS)[]).filter(
          (name) => !values[name],
        );
        throw new UsageError(`oauth federate needs ${missing.map((name) => `--${name}`).join(', ')}.`);
      }
      // Plain http:// to loopback is allowed only against the local instance (its key file, no Secrets Manager).
      const loopbackAllowed = target.config.tokenKeyFile !== undefined && target.config.tokenKeySecretArn === undefined;
      await federateTenant(deps, tenantId, { issuer, jwksUrl, subject, audience }, (url) =>
        isFetchableJwksUrl(url, loopbackAllowed),
      );
      io.out(`Token URL:     ${tokenUrlOf(target.tenantUrlBase, tenantId)}`);
      io.out(`Tenant "${tenantId}" trusts JWTs from ${issuer} about ${subject} for ${audience}.`);
    },
  }),
  defineCommand({
    name: 'oauth unfederate',
    args: [TENANT_ARG],
    options: {},
    help: 'Removes the federation; access tokens issued for it stop working within 30 s.',
    async run({ args: [tenantId = ''], deps, io }) {
      await unfederateTenant(deps, tenantId);
      io.out(
        `Tenant "${tenantId}" no longer trusts federated JWTs; access tokens issued for them stop working within 30 s.`,
      );
    },
  }),
];
