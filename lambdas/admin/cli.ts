import { parseArgs } from 'node:util';
import type { Dependencies } from '../operations/ports';
import {
  AdminError,
  createTenant,
  deleteTenant,
  disconnectTenant,
  expiryFrom,
  issueToken,
  listTokens,
  reconnectTenant,
  revokeToken,
  type IssuedToken,
} from '../operations/tenant-admin';
import { getProfile } from '../operations/get-profile';
import { updateProfile } from '../operations/update-profile';
import { setMapping, setPolicy } from '../operations/profile-admin';
import { fieldsOf, mappingOf, ownerOf, policyOf, type Owner } from '../tenancy/profile';
import type { TenantRecord } from '../tenancy/tenant';
import { createWiring } from '../wiring';
import { OAUTH_OPTIONS, OAUTH_USAGE, oauthShowLines, oauthSummary, runOAuthCommand } from './oauth-commands';
import { runSyncCommand, SYNC_OPTIONS, SYNC_USAGE, type SyncCommandOptions } from './sync-commands';
import { GUARD_OPTIONS, GUARD_USAGE, runGuardCommand } from './guard-commands';
import { resolveTarget, type Target } from './target';
import { PORTAL_USAGE, runPortalCommand } from './portal-commands';
import { describeConnection } from '../operations/connection/connection-view';

/** What the CLI talks to the world through; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks a question on the terminal; undefined when there is no terminal to ask on. */
  ask?(question: string): Promise<string>;
  /** Rewrites the current progress line (a TTY); absent means "print nothing until done". */
  progress?(line: string): void;
  readonly dataDir: string;
  /** Graph sync test seams (the Graph client's sleep and clock). */
  readonly sync?: SyncCommandOptions;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `Usage: scim-admin [--local | --stack <name> [--region <region>]] <command> [--json]

Commands:
  tenant create <id> [--name <display name>] [--label <token label>] [--expires-in 90d]
  tenant list
  tenant show <id>
  tenant disconnect <id>
  tenant reconnect <id>
  tenant delete <id> --purge [--yes]
  token issue <tenant> [--label <label>] [--expires-in 90d]
  token list <tenant>
  token revoke <tenant> <tokenId>
  log <tenant> [--since <ISO time>] [--status <code>] [--limit <n>]
  policy show <tenant>
  policy set <tenant> --default directory|user [--user f1,f2] [--directory f3,f4]
  mapping show <tenant>
  mapping set <tenant> <field>=<SCIM attribute path> … (an empty path restores the default)
  profile get <tenant> <userId>
  profile set <tenant> <userId> <field>=<value> … (an empty value clears the user's value)
${OAUTH_USAGE}
${PORTAL_USAGE}
${SYNC_USAGE}
${GUARD_USAGE}

Target: --local is the instance "npm start" runs from this checkout; otherwise the deployed stack
(--stack, default Scim-dev; --region or AWS_REGION) with the AWS SDK's default credentials.`;

const OPTIONS = {
  local: { type: 'boolean', default: false },
  stack: { type: 'string', default: 'Scim-dev' },
  region: { type: 'string' },
  json: { type: 'boolean', default: false },
  name: { type: 'string' },
  label: { type: 'string' },
  'expires-in': { type: 'string' },
  purge: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  since: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  default: { type: 'string' },
  user: { type: 'string' },
  directory: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  ...OAUTH_OPTIONS,
  ...SYNC_OPTIONS,
  ...GUARD_OPTIONS,
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

function printIssued(io: CliIo, values: Values, target: Target, issued: IssuedToken): void {
  const tenantUrl = `${target.tenantUrlBase}/${issued.tenant.tenantId}`;
  if (values.json) {
    io.out(JSON.stringify({ tenantUrl, token: issued.token, tokenId: issued.record.id, expiresAt: issued.record.expiresAt ?? null }, null, 2));
    return;
  }
  io.out(`Tenant URL:   ${tenantUrl}`);
  io.out(`Secret Token: ${issued.token}`);
  io.out(`Token id:     ${issued.record.id}${issued.record.expiresAt ? ` (expires ${issued.record.expiresAt})` : ''}`);
  io.out('The token is shown once and never stored: paste it into the provisioning settings now.');
}

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

/** `a=b c=d` → {a: 'b', c: 'd'}. */
function assignments(args: readonly string[], shape: string): Record<string, string> {
  if (args.length === 0) throw new UsageError(`Give at least one ${shape}.`);
  const result: Record<string, string> = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals <= 0) throw new UsageError(`"${arg}" is not ${shape}.`);
    result[arg.slice(0, equals)] = arg.slice(equals + 1);
  }
  return result;
}

async function tenantOrFail(deps: Dependencies, tenantId: string): Promise<TenantRecord> {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new AdminError(`Tenant "${tenantId}" does not exist.`);
  return tenant;
}

function need(positionals: readonly string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`Missing ${what}.`);
  return value;
}

async function confirmPurge(io: CliIo, values: Values, tenantId: string): Promise<void> {
  if (!values.purge) throw new UsageError('tenant delete needs --purge: it deletes every user, group, token and log entry of the tenant.');
  if (values.yes) return;
  if (!io.ask) throw new UsageError('Refusing to purge without a terminal to confirm on: add --yes.');
  const answer = await io.ask(`This deletes tenant "${tenantId}" and all its data. Type the tenant id to confirm: `);
  if (answer.trim() !== tenantId) throw new AdminError('Not confirmed: nothing was deleted.');
}

async function run(command: string, positionals: string[], values: Values, target: Target, deps: Dependencies, io: CliIo): Promise<void> {
  const now = deps.clock.now();
  const expiresAt = values['expires-in'] ? expiryFrom(values['expires-in'], now) : undefined;
  const tokenOptions = { ...(values.label ? { label: values.label } : {}), ...(expiresAt ? { expiresAt } : {}) };
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));
  const reconcile = { onProgress: (done: number) => io.progress?.(`Reconciling profiles: ${done} users`), tenantUrlBase: target.tenantUrlBase };

  switch (command) {
    case 'tenant create': {
      const tenantId = need(positionals, 2, 'tenant id');
      printIssued(io, values, target, await createTenant(deps, tenantId, { ...(values.name ? { displayName: values.name } : {}), ...tokenOptions }));
      return;
    }
    case 'tenant list': {
      const tenants = (await deps.tenants.listTenants()).map((tenant) => tenantSummary(tenant, target));
      if (values.json) return json(tenants);
      if (tenants.length === 0) return io.out('No tenants.');
      for (const tenant of tenants) io.out(`${tenant.tenantId.padEnd(24)} ${tenant.status.padEnd(13)} ${tenant.displayName}`);
      return;
    }
    case 'tenant show': {
      const tenant = await tenantOrFail(deps, need(positionals, 2, 'tenant id'));
      const summary = { ...(await describeConnection(deps, tenant, `${target.tenantUrlBase}/${tenant.tenantId}`)), ...oauthSummary(tenant, target, now) };
      if (values.json) return json(summary);
      io.out(`Tenant:       ${summary.tenantId} (${summary.displayName})`);
      io.out(`Status:       ${summary.status}`);
      io.out(`Tenant URL:   ${summary.tenantUrl}`);
      io.out(`Created:      ${summary.createdAt}`);
      io.out(`Users:        ${summary.users}`);
      io.out(`Groups:       ${summary.groups}`);
      io.out(`Last request: ${summary.lastRequestAt ?? 'never'}`);
      io.out(`Failures 24h: ${summary.failuresLast24h}${summary.failuresCapped ? '+' : ''}`);
      for (const token of summary.tokens) io.out(`Token:        ${token.id} ${token.live ? 'live' : 'dead'} "${token.label}" last used ${token.lastUsedAt ?? 'never'}`);
      for (const line of oauthShowLines(summary)) io.out(line);
      return;
    }
    case 'tenant disconnect': {
      const tenant = await disconnectTenant(deps, need(positionals, 2, 'tenant id'), reconcile);
      io.progress?.('');
      io.out(`Tenant "${tenant.tenantId}" is disconnected: its tokens are revoked and SCIM requests get 401 within 30 s. Accounts stay as manual accounts.`);
      return;
    }
    case 'tenant reconnect': {
      printIssued(io, values, target, await reconnectTenant(deps, need(positionals, 2, 'tenant id'), { ...tokenOptions, ...reconcile }));
      io.progress?.('');
      return;
    }
    case 'tenant delete': {
      const tenantId = need(positionals, 2, 'tenant id');
      await confirmPurge(io, values, tenantId);
      const deleted = await deleteTenant(deps, tenantId, {
        onWait: (ms) => io.err(`Tenant ${tenantId} no longer accepts requests; waiting ${Math.ceil(ms / 1000)} s for requests already admitted to end.`),
        onProgress: (count) => io.progress?.(`Deleting tenant ${tenantId}: ${count} items`),
      });
      io.progress?.('');
      io.out(`Deleted tenant "${tenantId}": ${deleted} items.`);
      return;
    }
    case 'token issue': {
      printIssued(io, values, target, await issueToken(deps, need(positionals, 2, 'tenant id'), tokenOptions));
      return;
    }
    case 'token list': {
      const tokens = await listTokens(deps, need(positionals, 2, 'tenant id'));
      if (values.json) return json(tokens);
      for (const token of tokens) {
        const state = token.revokedAt ? `revoked ${token.revokedAt}` : token.live ? 'live' : `expired ${token.expiresAt}`;
        io.out(`${token.id}  ${state.padEnd(36)} "${token.label}" created ${token.createdAt} last used ${token.lastUsedAt ?? 'never'}`);
      }
      return;
    }
    case 'token revoke': {
      const tenantId = need(positionals, 2, 'tenant id');
      const tokenId = need(positionals, 3, 'token id');
      await revokeToken(deps, tenantId, tokenId);
      io.out(`Token ${tokenId} of "${tenantId}" is revoked; it stops working within 30 s.`);
      return;
    }
    case 'log': {
      const tenantId = need(positionals, 1, 'tenant id');
      if (!(await deps.tenants.getTenant(tenantId))) throw new AdminError(`Tenant "${tenantId}" does not exist.`);
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      const status = values.status === undefined ? undefined : Number(values.status);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer.');
      if (status !== undefined && !Number.isInteger(status)) throw new UsageError('--status must be an HTTP status code such as 409.');
      if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new UsageError('--since must be an ISO time such as 2026-11-24T09:00:00Z.');
      const since = values.since === undefined ? undefined : new Date(values.since).toISOString();
      const entries = await deps.log.list(tenantId, { limit, ...(since ? { since } : {}), ...(status !== undefined ? { status } : {}) });
      if (values.json) return json(entries);
      if (entries.length === 0) return io.out('No log entries.');
      for (const entry of entries) {
        const what = [entry.name, entry.resourceId].filter(Boolean).join(' ');
        io.out(`${entry.at} ${String(entry.status).padEnd(4)}${entry.operation.padEnd(22)} ${what}${entry.scimType ? ` [${entry.scimType}]` : ''}${entry.detail ? ` ${entry.detail}` : ''}`);
      }
      return;
    }
    case 'policy show': {
      const tenant = await tenantOrFail(deps, need(positionals, 2, 'tenant id'));
      const policy = policyOf(tenant.profile ?? {});
      const owners = Object.fromEntries(fieldsOf(tenant.profile ?? {}).map((field) => [field, ownerOf(policy, field)]));
      if (values.json) return json({ default: policy.default, fields: policy.fields, owners });
      io.out(`Default owner: ${policy.default}`);
      for (const [field, owner] of Object.entries(owners)) io.out(`${field.padEnd(16)} ${owner}${policy.fields[field] ? '' : ' (default)'}`);
      return;
    }
    case 'policy set': {
      const tenantId = need(positionals, 2, 'tenant id');
      const owner = values.default;
      if (owner !== 'directory' && owner !== 'user') throw new UsageError('policy set needs --default directory or --default user.');
      const list = (text: string | undefined) => (text ?? '').split(',').map((field) => field.trim()).filter(Boolean);
      const fields: Record<string, Owner> = {};
      for (const field of list(values.user)) fields[field] = 'user';
      for (const field of list(values.directory)) fields[field] = 'directory';
      const result = await setPolicy(deps, tenantId, { default: owner, fields }, reconcile);
      io.progress?.('');
      io.out(`Policy of "${tenantId}" set; ${result.usersUpdated} users' effective profiles changed (each with a User Updated event).`);
      return;
    }
    case 'mapping show': {
      const tenant = await tenantOrFail(deps, need(positionals, 2, 'tenant id'));
      const mapping = mappingOf(tenant.profile ?? {});
      if (values.json) return json(mapping);
      for (const field of fieldsOf(tenant.profile ?? {})) io.out(`${field.padEnd(16)} ${mapping[field] ?? '(none: user-entered only)'}`);
      return;
    }
    case 'mapping set': {
      const tenantId = need(positionals, 2, 'tenant id');
      const entries = assignments(positionals.slice(3), 'field=path');
      const result = await setMapping(deps, tenantId, entries, reconcile);
      io.progress?.('');
      io.out(`Mapping of "${tenantId}" set; ${result.usersUpdated} users' effective profiles changed.`);
      return;
    }
    case 'profile get':
    case 'profile set': {
      const tenant = await tenantOrFail(deps, need(positionals, 2, 'tenant id'));
      const userId = need(positionals, 3, 'user id');
      const request = {
        operation: command === 'profile get' ? ('getProfile' as const) : ('updateProfile' as const),
        tenantId: tenant.tenantId,
        pathParameters: { tenantId: tenant.tenantId, id: userId },
        query: {},
        headers: {},
        body: command === 'profile set' ? { fields: Object.fromEntries(Object.entries(assignments(positionals.slice(4), 'field=value')).map(([field, value]) => [field, value === '' ? null : value])) } : undefined,
        requestId: `admin-${deps.ids.newId()}`,
        tenantUrl: `${target.tenantUrlBase}/${tenant.tenantId}`,
        tenant,
      };
      // A refusal (a ScimError) prints as "Error: <detail>" like any failure (runCli).
      const response = await (command === 'profile get' ? getProfile : updateProfile)(request, deps);
      const body = response.body as { profile: Record<string, string | null>; fields: Record<string, { owner: string; editable: boolean }> };
      if (values.json) return json(body);
      for (const [field, value] of Object.entries(body.profile)) {
        const info = body.fields[field];
        io.out(`${field.padEnd(16)} ${String(value ?? '').padEnd(32)} ${info?.owner ?? ''}${info?.editable ? ' editable' : ''}`);
      }
      return;
    }
    case 'portal link':
    case 'portal revoke': {
      const tenantId = need(positionals, 2, 'tenant id');
      await runPortalCommand(command, tenantId, { json: values.json, ...(values['expires-in'] ? { expiresIn: values['expires-in'] } : {}) }, target, deps, io.out);
      return;
    }
    default:
      if (command.startsWith('oauth ')) {
        const usage = (message: string): never => {
          throw new UsageError(message);
        };
        return runOAuthCommand(command, { positionals, values, ...(expiresAt ? { expiresAt } : {}), target, deps, out: (line) => io.out(line), usage });
      }
      if (command.startsWith('sync ')) return runSyncCommand(command, positionals, values, target, io, io.sync);
      if (command.startsWith('guard ')) return runGuardCommand(command, positionals[2], values, deps, (line) => io.out(line));
      throw new UsageError(`Unknown command "${command}".`);
  }
}

/** Runs one CLI invocation; returns the process exit code (0 ok, 1 refused or failed, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const command = positionals[0] === 'log' ? 'log' : positionals.slice(0, 2).join(' ');
  try {
    const target = await resolveTarget({ local: values.local, dataDir: io.dataDir, stack: values.stack, ...(values.region ? { region: values.region } : {}) });
    const { deps } = createWiring(target.config);
    await run(command, positionals, values, target, deps, io);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof AdminError) {
      io.err(`Error: ${error.message}`);
      return EXIT.failed;
    }
    io.err(`Error: ${(error as Error).message ?? String(error)}`);
    return EXIT.failed;
  }
}
