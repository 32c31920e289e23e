import { defineCommand, printJson, TENANT_ARG, tenantOrFail, UsageError } from '../command';

/** `log`: the tenant's provisioning log, newest first. */
export const LOG_COMMANDS = [
  defineCommand({
    name: 'log',
    args: [TENANT_ARG],
    options: {
      since: {
        type: 'string',
        value: '<ISO time>',
        help: 'Only entries at or after this time, e.g. 2026-11-24T09:00Z.',
      },
      status: { type: 'string', value: '<code>', help: 'Only entries with this HTTP status, e.g. 409.' },
      limit: { type: 'string', value: '<n>', help: 'At most this many entries (default 50).' },
    },
    help: "Lists the tenant's provisioning log (writes and failures), newest first.",
    async run({ args: [tenantId = ''], values, deps, io }) {
      await tenantOrFail(deps, tenantId);
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      const status = values.status === undefined ? undefined : Number(values.status);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer.');
      if (status !== undefined && !Number.isInteger(status))
        throw new UsageError('--status must be an HTTP status code such as 409.');
      if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
        throw new UsageError('--since must be an ISO time such as 2026-11-24T09:00:00Z.');
      const since = values.since === undefined ? undefined : new Date(values.since).toISOString();
      const entries = await deps.log.list(tenantId, {
        limit,
        ...(since ? { since } : {}),
        ...(status !== undefined ? { status } : {}),
      });
      if (values.json) return printJson(io, entries);
      if (entries.length === 0) return io.out('No log entries.');
      for (const entry of entries) {
        const what = [entry.name, entry.resourceId].filter(Boolean).join(' ');
        io.out(
          `${entry.at} ${String(entry.status).padEnd(4)}${entry.operation.padEnd(22)} ${what}${entry.scimType ? ` [${entry.scimType}]` : ''}${entry.detail ? ` ${entry.detail}` : ''}`,
        );
      }
    },
  }),
];
