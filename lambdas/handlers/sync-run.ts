import type { Context } from 'aws-lambda';
import { workOnRun, type DispatchedRun, type SliceResult } from '../operations/graph-sync/sync-dispatch';
import { getSyncDependencies } from '../sync-wiring';

/** Time kept back from the invocation's timeout for the last page and its checkpoint. */
const RESERVE_MS = 3 * 60_000;

/** One slice of a sync run, looped by the state machine until it answers done. */
export const handler = async (event: DispatchedRun, context: Context): Promise<SliceResult> =>
  workOnRun(getSyncDependencies(), event, Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS);
