import { describeConnection } from '../../operations/connection/connection-view';
import { AdminError } from '../../operations/admin-error';
import { createTenant, deleteTenant, disconnectTenant, reconnectTenant } from '../../operations/tenants/tenant-admin';
import type { TenantRecord } from '../../tenancy/tenant';
import { defineCommand, printJson, reconcileOptions, tenantOrFail, UsageError, type CliIo } from '../command';
import type { Target } from '../target';
import { oauthShowLines, oauthSummary } from './oauth';
import { printIssued, TOKEN_EXPIRES_IN, TOKEN_LABEL, tokenOptions } from './token';

const TENANT_ID = { label: '<id>', what: 'tenant id' } as const;

function tenantSummary(tenant: TenantRecord, target: Target) {
  return {
    tenantId: tenant.tenantId,
    displayName: tenant.displayName,
    status: tenant.status,
    createdAt: tenant.createdAt,
    tenantUrl: `${target.tenantUrlBase}/${tenant.tenantId}`,
    tokens: tenant.tokens.length,
  };
}

async function confirmPurge(
  io: CliIo,
  values: { readonly purge?: boolean; readonly yes?: boolean },
  tenantId: string,
): Promise<void> {
  if (!values.purge)
    throw new UsageError(
      'tenant delete needs --purge: it deletes every user, group, token and log entry of the tenant.',
    );
  if (values.yes) return;
  if (!io.ask) throw new UsageError('Refusing to purge without a terminal to confirm on: add --yes.');
  const answer = await io.ask(`This deletes tenant "${tenantId}" and all its data. Type the tenant id to confirm: `);
  if (answer.trim() !== tenantId) throw new AdminError('Not confirmed: nothing was deleted.');
}

/** `tenant …`: create, inspect, disconnect, reconnect and purge tenants. */
export const TENANT_COMMANDS = [
  defineCommand({
    name: 'tenant create',
    args: [TENANT_ID],
    options: {
      name: { type: 'string', value: '<display name>', help: "The tenant's display name (default: its id)." },
      label: { ...TOKEN_LABEL, value: '<token label>' },
      'expires-in': TOKEN_EXPIRES_IN,
    },
    help: 'Creates a tenant and its first Secret Token; prints Tenant URL: and Secret Token:.',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      const options = {
        ...(values.name ? { displayName: values.name } : {}),
        ...tokenOptions(values, deps.clock.now()),
      };
      printIssued(io, values.json, target, await createTenant(deps, tenantId, options));
    },
  }),
  defineCommand({
    name: 'tenant list',
    args: [],
    options: {},
    help: 'Lists every tenant with its status and display name.',
    async run({ values, target, deps, io }) {
      const tenants = (await deps.tenants.listTenants()).map((tenant) => tenantSummary(tenant, target));
      if (values.json) return printJson(io, tenants);
      if (tenants.length === 0) return io.out('No tenants.');
      for (const tenant of tenants)
        io.out(`${tenant.tenantId.padEnd(24)} ${tenant.status.padEnd(13)} ${tenant.displayName}`);
    },
  }),
  defineCommand({
    name: 'tenant show',
    args: [TENANT_ID],
    options: {},
    help: 'Shows status, counts, tokens and their last use, the last request, recent failures, OAuth clients and federation.',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      const tenant = await tenantOrFail(deps, tenantId);
      const connection = await describeConnection(deps, tenant, `${target.tenantUrlBase}/${tenant.tenantId}`);
      const summary = { ...connection, ...oauthSummary(tenant, target, deps.clock.now()) };
      if (values.json) return printJson(io, summary);
      io.out(`Tenant:       ${summary.tenantId} (${summary.displayName})`);
      io.out(`Status:       ${summary.status}`);
      io.out(`Tenant URL:   ${summary.tenantUrl}`);
      io.out(`Created:      ${summary.createdAt}`);
      io.out(`Users:        ${summary.users}`);
      io.out(`Groups:       ${summary.groups}`);
      io.out(`Last request: ${summary.lastRequestAt ?? 'never'}`);
      io.out(`Failures 24h: ${summary.failuresLast24h}${summary.failuresCapped ? '+' : ''}`);
      for (const token of summary.tokens)
        io.out(
          `Token:        ${token.id} ${token.live ? 'live' : 'dead'} "${token.label}" last used ${token.lastUsedAt ?? 'never'}`,
        );
      for (const line of oauthShowLines(summary)) io.out(line);
    },
  }),
  defineCommand({
    name: 'tenant disconnect',
    args: [TENANT_ID],
    options: {},
    help: 'Revokes every token, client and federation (SCIM answers 401 within 30 s); accounts stay as manual accounts.',
    async run({ args: [tenantId = ''], target, deps, io }) {
      const tenant = await disconnectTenant(deps, tenantId, reconcileOptions(io, target));
      io.progress?.('');
      io.out(
        `Tenant "${tenant.tenantId}" is disconnected: its tokens are revoked and SCIM requests get 401 within 30 s. Accounts stay as manual accounts.`,
      );
    },
  }),
  defineCommand({
    name: 'tenant reconnect',
    args: [TENANT_ID],
    options: { label: TOKEN_LABEL, 'expires-in': TOKEN_EXPIRES_IN },
    help: 'Connects a disconnected tenant again with a new Secret Token; prints Tenant URL: and Secret Token:.',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      printIssued(
        io,
        values.json,
        target,
        await reconnectTenant(deps, tenantId, {
          ...tokenOptions(values, deps.clock.now()),
          ...reconcileOptions(io, target),
        }),
      );
      io.progress?.('');
    },
  }),
  defineCommand({
    name: 'tenant delete',
    args: [TENANT_ID],
    options: {
      purge: {
        type: 'boolean',
        required: true,
        help: 'Required: the tenant and every user, group, token and log entry of it are deleted.',
      },
      yes: { type: 'boolean', help: 'Do not ask for the tenant id to confirm (needed without a terminal).' },
    },
    help: 'Deletes the tenant and all its data, after it stops accepting requests.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      await confirmPurge(io, values, tenantId);
      const deleted = await deleteTenant(deps, tenantId, {
        onWait: (ms) =>
          io.err(
            `Tenant ${tenantId} no longer accepts requests; waiting ${Math.ceil(ms / 1000)} s for requests already admitted to end.`,
          ),
        onProgress: (count) => io.progress?.(`Deleting tenant ${tenantId}: ${count} items`),
      });
      io.progress?.('');
      io.out(`Deleted tenant "${tenantId}": ${deleted} items.`);
    },
  }),
];
