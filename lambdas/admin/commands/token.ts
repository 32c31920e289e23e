import {
  expiryFrom,
  issueToken,
  listTokens,
  revokeToken,
  type IssuedToken,
} from '../../operations/tenants/tenant-admin';
import { defineCommand, printJson, TENANT_ARG, type CliIo, type OptionSpec } from '../command';
import type { Target } from '../target';

/** `--label` of the commands that issue a Secret Token. */
export const TOKEN_LABEL: OptionSpec = {
  type: 'string',
  value: '<label>',
  help: 'The token\'s label (default "default").',
};

/** `--expires-in` of the commands that issue a Secret Token. */
export const TOKEN_EXPIRES_IN: OptionSpec = {
  type: 'string',
  value: '90d',
  help: 'The token expires after this long (30m, 12h, 90d); default never.',
};

/** The label and expiry a token-issuing command was given. */
export function tokenOptions(
  values: { readonly label?: string; readonly 'expires-in'?: string },
  now: Date,
): { label?: string; expiresAt?: string } {
  const expiresAt = values['expires-in'] ? expiryFrom(values['expires-in'], now) : undefined;
  return { ...(values.label ? { label: values.label } : {}), ...(expiresAt ? { expiresAt } : {}) };
}

/** The `Tenant URL:` and `Secret Token:` lines (tools read them: keep them exact), or their JSON. */
export function printIssued(io: CliIo, json: boolean | undefined, target: Target, issued: IssuedToken): void {
  const tenantUrl = `${target.tenantUrlBase}/${issued.tenant.tenantId}`;
  if (json)
    return printJson(io, {
      tenantUrl,
      token: issued.token,
      tokenId: issued.record.id,
      expiresAt: issued.record.expiresAt ?? null,
    });
  io.out(`Tenant URL:   ${tenantUrl}`);
  io.out(`Secret Token: ${issued.token}`);
  io.out(`Token id:     ${issued.record.id}${issued.record.expiresAt ? ` (expires ${issued.record.expiresAt})` : ''}`);
  io.out('The token is shown once and never stored: paste it into the provisioning settings now.');
}

/** `token …`: the Secret Tokens of a tenant. */
export const TOKEN_COMMANDS = [
  defineCommand({
    name: 'token issue',
    args: [TENANT_ARG],
    options: { label: TOKEN_LABEL, 'expires-in': TOKEN_EXPIRES_IN },
    help: 'Issues another Secret Token (at most two are live); prints Tenant URL: and Secret Token:.',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      printIssued(io, values.json, target, await issueToken(deps, tenantId, tokenOptions(values, deps.clock.now())));
    },
  }),
  defineCommand({
    name: 'token list',
    args: [TENANT_ARG],
    options: {},
    help: "Lists the tenant's tokens: live, revoked or expired, and when each was last used (never a digest).",
    async run({ args: [tenantId = ''], values, deps, io }) {
      const tokens = await listTokens(deps, tenantId);
      if (values.json) return printJson(io, tokens);
      for (const token of tokens) {
        const state = token.revokedAt
          ? `revoked ${token.revokedAt}`
          : token.live
            ? 'live'
            : `expired ${token.expiresAt}`;
        io.out(
          `${token.id}  ${state.padEnd(36)} "${token.label}" created ${token.createdAt} last used ${token.lastUsedAt ?? 'never'}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'token revoke',
    args: [TENANT_ARG, { label: '<tokenId>', what: 'token id' }],
    options: {},
    help: 'Revokes one token; it stops working within 30 s.',
    async run({ args: [tenantId = '', tokenId = ''], deps, io }) {
      await revokeToken(deps, tenantId, tokenId);
      io.out(`Token ${tokenId} of "${tenantId}" is revoked; it stops working within 30 s.`);
    },
  }),
];
