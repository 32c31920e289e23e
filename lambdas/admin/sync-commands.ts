import { join } from 'node:path';
import type { GraphClientOptions } from '../adapters/graph/graph-client';
import { AdminError } from '../operations/admin-error';
import { connectSync, disconnectSync, syncStatus } from '../operations/sync-admin';
import { RunInProgress, runSyncSlice, startRun } from '../operations/sync-run';
import { SyncError } from '../sync/errors';
import { runSummary, type RunRecord } from '../sync/run-record';
import { createSyncDependencies } from '../sync-wiring';
import type { CliIo } from './cli';
import type { Target } from './target';

/** The options `sync …` commands add to the CLI (node:util parseArgs shapes). */
export const SYNC_OPTIONS = {
  'entra-tenant': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  cloud: { type: 'string' },
  'graph-url': { type: 'string' },
  'login-url': { type: 'string' },
  schedule: { type: 'string' },
  'time-zone': { type: 'string' },
  filter: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  map: { type: 'string', multiple: true },
  'revoke-scim-tokens': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
} as const;

export const SYNC_USAGE = `  sync connect <tenant> --entra-tenant <id> --client-id <id> --client-secret <s>
      [--cloud global|usgov|china | --graph-url <url> --login-url <url>] [--schedule "<cron>"]
      [--filter <attr>=<v1>,<v2>]… [--group <displayName>]…
      [--time-zone <IANA zone>] [--map <field>=<Graph property>]… [--revoke-scim-tokens]
  sync run <tenant> [--wait]
  sync status <tenant> [--json]
  sync disconnect <tenant>`;

type SyncValues = { readonly json?: boolean } & { readonly [K in keyof typeof SYNC_OPTIONS]?: (typeof SYNC_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof SYNC_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

/** Test seam: how the CLI's Graph client waits (tests pass a recording no-op). */
export interface SyncCommandOptions {
  readonly graph?: GraphClientOptions;
  /** Poll interval of `sync run --wait` against a deployed stack. @default 2,000 ms */
  readonly pollMs?: number;
}

function need(positionals: readonly string[], index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new AdminError(`Missing ${what}.`);
  return value;
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

/** Runs one `sync …` command (docs/operations.md). */
export async function runSyncCommand(command: string, positionals: readonly string[], values: SyncValues, target: Target, io: CliIo, options: SyncCommandOptions = {}): Promise<void> {
  const deps = createSyncDependencies(
    target.config,
    target.syncSecretPrefix ? { secretPrefix: target.syncSecretPrefix, tenantUrlBase: target.tenantUrlBase } : { secretsDir: join(io.dataDir, 'connector-secrets'), tenantUrlBase: target.tenantUrlBase },
    options.graph,
  );
  const tenantId = need(positionals, 2, 'tenant id');
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));
  const reconcile = { onProgress: (done: number) => io.progress?.(`Reconciling profiles: ${done} users`), tenantUrlBase: target.tenantUrlBase };

  switch (command) {
    case 'sync connect': {
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
        reconcile,
      );
      io.progress?.('');
      if (values.json) return json((await syncStatus(deps, tenantId, 0)).connector);
      io.out(`Tenant "${tenantId}" pulls its directory from Entra tenant ${connector.entraTenantId} (app ${connector.clientId}) through ${connector.graphUrl}.`);
      io.out(connector.schedule ? `Schedule: "${connector.schedule}" in ${connector.timeZone}.` : 'Schedule: none (runs on demand only).');
      io.out(`The client secret is stored in ${target.syncSecretPrefix ? 'Secrets Manager' : 'the local data folder'} and never shown. SCIM writes to this tenant are refused while it is Graph-connected.`);
      io.out(`First run: scim-admin ${target.syncSecretPrefix ? '' : '--local '}sync run ${tenantId} --wait`);
      return;
    }
    case 'sync run': {
      let run: RunRecord;
      try {
        run = await startRun(deps, tenantId, 'manual');
      } catch (error) {
        if (error instanceof RunInProgress || error instanceof SyncError) throw new AdminError(error.message);
        throw error;
      }
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
        if (!values.wait) return io.out(`Run ${run.runId} of "${tenantId}" is queued: the dispatcher starts it within a minute ("sync status ${tenantId}").`);
        while (run.status === 'queued' || run.status === 'running') {
          await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
          run = (await deps.sync.getRun(tenantId, run.runId)) ?? run;
          show(run);
        }
      } else {
        // Local mode has no scheduler: the CLI works on the run itself, to its end.
        run = await runSyncSlice(deps, tenantId, run.runId, { onProgress: show });
      }
      if (values.wait) io.progress?.('');
      if (values.json) json(runSummary(run));
      else summaryLines(run).forEach((line) => io.out(line));
      if (run.status === 'failed') throw new AdminError(`Sync run ${run.runId} failed: ${run.errors.at(-1)?.message ?? 'see sync status'}`);
      return;
    }
    case 'sync status': {
      const status = await syncStatus(deps, tenantId);
      if (values.json) return json(status);
      const connector = status.connector;
      io.out(`Tenant:     ${tenantId} (${status.connected ? 'Graph-connected' : 'no Graph connector'})`);
      if (connector) {
        io.out(`Entra:      tenant ${connector.entraTenantId}, app ${connector.clientId}, ${connector.cloud} (${connector.graphUrl})`);
        io.out(`Schedule:   ${connector.schedule ? `"${connector.schedule}" in ${connector.timeZone}` : 'on demand only'}`);
        const filters = [
          ...Object.entries(connector.filters.attributes).map(([attribute, allowed]) => `${attribute}=${allowed.join(',')}`),
          ...(connector.filters.accountEnabled !== undefined ? [`accountEnabled=${connector.filters.accountEnabled}`] : []),
          ...connector.filters.groups.map((group) => `group "${group}"`),
        ];
        io.out(`Filters:    ${filters.length > 0 ? filters.join('; ') : 'none (every user)'}`);
        io.out(`Delta link: ${connector.deltaLinkAgeSeconds === null ? 'none yet (the next run is a full pull)' : `${connector.deltaLinkAgeSeconds} s old`}`);
      }
      if (status.runs.length === 0) return io.out('Runs:       none yet');
      io.out('Runs:');
      for (const run of status.runs) {
        io.out(
          `  ${run.runId} ${run.status.padEnd(9)} ${run.startedAt} → ${run.finishedAt ?? '…'}  created ${run.created} updated ${run.updated} deactivated ${run.deactivated} deleted ${run.deleted} skipped ${run.skipped} errors ${run.errors}`,
        );
        for (const error of run.errorDetails.slice(0, 5)) io.out(`    error ${error.code}: ${error.message}`);
      }
      return;
    }
    case 'sync disconnect': {
      await disconnectSync(deps, tenantId, reconcile);
      io.progress?.('');
      io.out(`Tenant "${tenantId}" no longer pulls from Graph: its connector, links and client secret are deleted; accounts stay as manual accounts. Connect SCIM again with "tenant reconnect ${tenantId}".`);
      return;
    }
    default:
      throw new AdminError(`Unknown command "${command}".`);
  }
}
