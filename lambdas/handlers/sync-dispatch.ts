import { dispatchRuns } from '../operations/graph-sync/sync-dispatch';
import { getSyncDependencies } from '../sync-wiring';

/** EventBridge Scheduler tick → the runs the state machine works on (docs/graph-sync.md "On AWS"). */
export const handler = async (): Promise<{ runs: Awaited<ReturnType<typeof dispatchRuns>> }> => ({
  runs: await dispatchRuns(getSyncDependencies()),
});
