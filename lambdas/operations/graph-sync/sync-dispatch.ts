import { dueOccurrence } from '../../sync/connector';
import { RunInProgress, runSyncSlice, startRun, updateConnector } from './sync-run';
import { LeaseLost } from './sync-ports';
import type { SyncDependencies } from './sync-ports';

/** A run for the state machine's loop to work on. */
export interface DispatchedRun {
  readonly tenantId: string;
  readonly runId: string;
}

/**
 * One tick of the scheduler (every minute): for each connector, the run to work on now: a queued
 * run or one between slices (lease reserved, no slice holding it), a run whose lease expired
 * mid-way (it is continued by a new run from its checkpoint), or a new run when the connector's
 * cron has an occurrence since its last scheduled start, in its time zone. Runs a slice is working
 * on are left alone. Handing a run out twice is harmless: only one slice can take its lease.
 */
export async function dispatchRuns(deps: SyncDependencies): Promise<DispatchedRun[]> {
  const now = deps.clock.now();
  const dispatched: DispatchedRun[] = [];
  for (const connector of await deps.sync.listConnectors()) {
    const lease = await deps.sync.getLease(connector.tenantId);
    const live = lease !== undefined && Date.parse(lease.until) > now.getTime();
    if (live && lease.holder === undefined) {
      dispatched.push({ tenantId: connector.tenantId, runId: lease.runId });
      continue;
    }
    if (live) continue;
    const due = dueOccurrence(connector, now);
    const [last] = await deps.sync.listRuns(connector.tenantId, 1);
    const abandoned = last !== undefined && (last.status === 'running' || last.status === 'queued');
    if (!due && !abandoned) continue;
    try {
      const run = await startRun(deps, connector.tenantId, due ? 'schedule' : (last?.trigger ?? 'schedule'));
      dispatched.push({ tenantId: connector.tenantId, runId: run.runId });
      if (due) await updateConnector(deps, connector.tenantId, () => ({ lastScheduledAt: due }));
    } catch (error) {
      if (!(error instanceof RunInProgress)) throw error;
    }
  }
  return dispatched;
}

/** What one slice tells the state machine: loop again unless `done`. */
export interface SliceResult extends DispatchedRun {
  readonly done: boolean;
  readonly status: string;
}

/**
 * One slice of a run for the state machine: works until `deadline`, then answers `done: false` so
 * the loop invokes the next slice. A run another slice holds answers `done: true` (that slice owns it).
 */
export async function workOnRun(deps: SyncDependencies, input: DispatchedRun, deadline: number): Promise<SliceResult> {
  try {
    const run = await runSyncSlice(deps, input.tenantId, input.runId, { deadline });
    return { ...input, done: run.status === 'succeeded' || run.status === 'failed', status: run.status };
  } catch (error) {
    if (error instanceof LeaseLost) return { ...input, done: true, status: 'held elsewhere' };
    throw error;
  }
}
