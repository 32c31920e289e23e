import { join } from 'node:path';
import { connectSync, disconnectSync, syncStatus } from '../../operations/graph-sync/sync-admin';
import { runSyncSlice, startRun } from '../../operations/graph-sync/sync-run';
import { runSummary, type RunRecord } from '../../sync/run-record';
import { createSyncDependencies } from '../../sync-wiring';
import { AdminError } from '../../operations/admin-error';
import { defineCommand, printJson, reconcileOptions, TENANT_ARG, type CliIo } from '../command';
import type { Target } from '../target';

/** The connector's secret store: Secrets Manager under the stack's prefix, or the local data folder. */
function syncDependencies(target: Target, io: CliIo) {
  const secrets = target.syncSecretPrefix
    ? { secretPrefix: target.syncSecretPrefix, tenantUrlBase: target.tenantUrlBase }
    : { secretsDir: join(io.dataDir, 'connector-secrets'), tenantUrlBase: target.tenantUrlBase };
  return createSyncDependencies(target.config, secrets, io.sync?.graph);
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new AdminError(`sync connect needs ${option}.`);
  return value;
}

const PHASE_SHARE: Readonly<Record<RunRecord['phase'], [number, number]>> = {
  users: [0, 0.6],
  groups: [0.6, 0.85],
  reconcile: [0.85, 0.97],
  reconcileGroups: [0.97, 1],
  done: [1, 1],
};

/** A progress line: a bar over the run's phases (pages within a phase move it, asymptotically), then the counts. */
export function progressLine(tenantId: string, run: RunRecord, phasePages: number): string {
  const [from, to] = PHASE_SHARE[run.phase];
  const share = run.status === 'succeeded' ? 1 : from + (to - from) * (1 - 1 / (1 + phasePages / 4));
  const width = 24;
  const filled = Math.round(share * width);
  const c = run.counts;
  return `Syncing ${tenantId} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${run.phase} · ${c.pages} pages · ${c.created} created ${c.updated + c.reactivated} updated ${c.deactivated} deactivated ${c.deleted} deleted ${c.skipped} skipped ${c.errors} errors`;
}

function summaryLines(run: RunRecord): string[] {
  const s = runSummary(run);
  const seconds = s.finishedAt ? ((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1) : '?';
  const lines = [
    `Run ${s.runId} ${s.status} in ${seconds} s${s.full ? ' (full pull)' : ''}: ${s.created} created, ${s.updated} updated, ${s.deactivated} deactivated, ${s.deleted} deleted, ${s.skipped} skipped, ${s.errors} errors.`,
    `Groups: ${s.groups.created} created, ${s.groups.updated} updated, ${s.groups.deleted} deleted; members: ${s.members.added} added, ${s.members.removed} removed, ${s.members.skipped} skipped. Graph: ${s.pages} pages, ${s.graphRequests} requests, ${s.throttled} throttled, ${s.resyncs} resyncs.`,
  ];
  for (const error of s.errorDetails) lines.push(`  error ${error.code}: ${error.message}`);
  return lines;
}

/** `sync …`: Graph pull sync (docs/graph-sync.md). */
export const SYNC_COMMANDS = [
  defineCommand({
    name: 'sync connect',
    args: [TENANT_ARG],
    options: {
      'entra-tenant': {
        type: 'string',
        value: '<id>',
        required: true,
        help: 'The Entra tenant (directory) id to pull from.',
      },
      'client-id': { type: 'string', value: '<id>', required: true, help: "The app registration's client id." },
      'client-secret': {
        type: 'string',
        value: '<s>',
        required: true,
        help: "The app's client secret (stored, never shown).",
      },
      cloud: { type: 'string', value: 'global|usgov|china', help: 'The national cloud (default global).' },
      'graph-url': { type: 'string', value: '<url>', help: 'Graph endpoint instead of --cloud (with --login-url).' },
      'login-url': { type: 'string', value: '<url>', help: 'Token endpoint instead of --cloud (with --graph-url).' },
      schedule: { type: 'string', value: '"<cron>"', help: 'Runs on this cron schedule (default: on demand only).' },
      'time-zone': { type: 'string', value: '<IANA zone>', help: "The schedule's time zone (default UTC)." },
      filter: {
        type: 'string',
        multiple: true,
        value: '<attr>=<v1>,<v2>',
        help: 'Only users whose attribute has one of the values (repeatable).',
      },
      group: {
        type: 'string',
        multiple: true,
        value: '<displayName>',
        help: 'Only members of this group (repeatable).',
      },
      map: {
        type: 'string',
        multiple: true,
        value: '<field>=<Graph property>',
        help: 'Fill a profile field from a Graph property (repeatable).',
      },
      'revoke-scim-tokens': {
        type: 'boolean',
        help: "Revoke the tenant's live SCIM tokens (it cannot be SCIM- and Graph-connected at once).",
      },
    },
    help: 'Makes the tenant pull its directory from Microsoft Graph; SCIM writes are refused while it is connected.',
    async run({ args: [tenantId = ''], values, target, io }) {
      const deps = syncDependencies(target, io);
      const connector = await connectSync(
        deps,
        {
          tenantId,
          entraTenantId: required(values['entra-tenant'], '--entra-tenant <id>'),
          clientId: required(values['client-id'], '--client-id <id>'),
          clientSecret: required(values['client-secret'], '--client-secret <s>'),
          ...(values.cloud !== undefined ? { cloud: values.cloud } : {}),
          ...(values['graph-url'] !== undefined ? { graphUrl: values['graph-url'] } : {}),
          ...(values['login-url'] !== undefined ? { loginUrl: values['login-url'] } : {}),
          ...(values.schedule !== undefined ? { schedule: values.schedule } : {}),
          ...(values['time-zone'] !== undefined ? { timeZone: values['time-zone'] } : {}),
          filters: values.filter ?? [],
          groups: values.group ?? [],
          map: values.map ?? [],
          revokeScimTokens: values['revoke-scim-tokens'] === true,
        },
        reconcileOptions(io, target),
      );
      io.progress?.('');
      if (values.json) return printJson(io, (await syncStatus(deps, tenantId, 0)).connector);
      io.out(
        `Tenant "${tenantId}" pulls its directory from Entra tenant ${connector.entraTenantId} (app ${connector.clientId}) through ${connector.graphUrl}.`,
      );
      io.out(
        connector.schedule
          ? `Schedule: "${connector.schedule}" in ${connector.timeZone}.`
          : 'Schedule: none (runs on demand only).',
      );
      io.out(
        `The client secret is stored in ${target.syncSecretPrefix ? 'Secrets Manager' : 'the local data folder'} and never shown. SCIM writes to this tenant are refused while it is Graph-connected.`,
      );
      io.out(`First run: scim-admin ${target.syncSecretPrefix ? '' : '--local '}sync run ${tenantId} --wait`);
    },
  }),
  defineCommand({
    name: 'sync run',
    args: [TENANT_ARG],
    options: { wait: { type: 'boolean', help: 'Show a progress bar on stderr until the run ends, then its summary.' } },
    help: 'Starts a run (locally the CLI does the run itself; against a stack the scheduler starts it within a minute).',
    async run({ args: [tenantId = ''], values, target, io }) {
      const deps = syncDependencies(target, io);
      let run = await startRun(deps, tenantId, 'manual');
      let phase = run.phase;
      let phasePages = 0;
      const show = (current: RunRecord) => {
        if (!values.wait) return;
        if (current.phase !== phase) {
          phase = current.phase;
          phasePages = 0;
        } else phasePages += 1;
        io.progress?.(progressLine(tenantId, current, phasePages));
      };
      if (target.syncSecretPrefix) {
        // A deployed stack: the scheduler's next tick (within a minute) starts the queued run.
        if (!values.wait)
          return io.out(
            `Run ${run.runId} of "${tenantId}" is queued: the dispatcher starts it within a minute ("sync status ${tenantId}").`,
          );
        while (run.status === 'queued' || run.status === 'running') {
          await new Promise((resolve) => setTimeout(resolve, io.sync?.pollMs ?? 2_000));
          run = (await deps.sync.getRun(tenantId, run.runId)) ?? run;
          show(run);
        }
      } else {
        // Local mode has no scheduler: the CLI works on the run itself, to its end.
        run = await runSyncSlice(deps, tenantId, run.runId, { onProgress: show });
      }
      if (values.wait) io.progress?.('');
      if (values.json) printJson(io, runSummary(run));
      else summaryLines(run).forEach((line) => io.out(line));
      if (run.status === 'failed')
        throw new AdminError(`Sync run ${run.runId} failed: ${run.errors.at(-1)?.message ?? 'see sync status'}`);
    },
  }),
  defineCommand({
    name: 'sync status',
    args: [TENANT_ARG],
    options: {},
    help: "Shows the connector, its filters and delta link, and the last runs' counts and errors.",
    async run({ args: [tenantId = ''], values, target, io }) {
      const status = await syncStatus(syncDependencies(target, io), tenantId);
      if (values.json) return printJson(io, status);
      const connector = status.connector;
      io.out(`Tenant:     ${tenantId} (${status.connected ? 'Graph-connected' : 'no Graph connector'})`);
      if (connector) {
        io.out(
          `Entra:      tenant ${connector.entraTenantId}, app ${connector.clientId}, ${connector.cloud} (${connector.graphUrl})`,
        );
        io.out(
          `Schedule:   ${connector.schedule ? `"${connector.schedule}" in ${connector.timeZone}` : 'on demand only'}`,
        );
        const filters = [
          ...Object.entries(connector.filters.attributes).map(
            ([attribute, allowed]) => `${attribute}=${allowed.join(',')}`,
          ),
          ...(connector.filters.accountEnabled !== undefined
            ? [`accountEnabled=${connector.filters.accountEnabled}`]
            : []),
          ...connector.filters.groups.map((group) => `group "${group}"`),
        ];
        io.out(`Filters:    ${filters.length > 0 ? filters.join('; ') : 'none (every user)'}`);
        io.out(
          `Delta link: ${connector.deltaLinkAgeSeconds === null ? 'none yet (the next run is a full pull)' : `${connector.deltaLinkAgeSeconds} s old`}`,
        );
      }
      if (status.runs.length === 0) return io.out('Runs:       none yet');
      io.out('Runs:');
      for (const run of status.runs) {
        io.out(
          `  ${run.runId} ${run.status.padEnd(9)} ${run.startedAt} → ${run.finishedAt ?? '…'}  created ${run.created} updated ${run.updated} deactivated ${run.deactivated} deleted ${run.deleted} skipped ${run.skipped} errors ${run.errors}`,
        );
        for (const error of run.errorDetails.slice(0, 5)) io.out(`    error ${error.code}: ${error.message}`);
      }
    },
  }),
  defineCommand({
    name: 'sync disconnect',
    args: [TENANT_ARG],
    options: {},
    help: 'Deletes the connector, its links and client secret; the tenant becomes disconnected, accounts stay as manual accounts.',
    async run({ args: [tenantId = ''], target, io }) {
      await disconnectSync(syncDependencies(target, io), tenantId, reconcileOptions(io, target));
      io.progress?.('');
      io.out(
        `Tenant "${tenantId}" no longer pulls from Graph: its connector, links and client secret are deleted; accounts stay as manual accounts. Connect SCIM again with "tenant reconnect ${tenantId}".`,
      );
    },
  }),
];
