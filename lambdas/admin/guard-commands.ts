import { AdminError } from '../operations/admin-error';
import { listHeldChanges, rejectHeld, releaseHeld, setGuard, showGuard, type GuardChange, type GuardView } from '../operations/guard-admin';
import type { Dependencies } from '../operations/ports';
import { GuardSettingsError, parseMaxRemovals, parsePercent, parseWindow } from '../tenancy/removal-guard';

/** The options `guard …` commands add to the CLI (node:util parseArgs shapes). */
export const GUARD_OPTIONS = {
  'max-removals': { type: 'string' },
  percent: { type: 'string' },
  window: { type: 'string' },
  off: { type: 'boolean', default: false },
  on: { type: 'boolean', default: false },
} as const;

export const GUARD_USAGE = `  guard show <tenant> [--json]
  guard set <tenant> [--max-removals N] [--percent P|none] [--window 1h] [--on | --off]
  guard held <tenant> [--json]
  guard release <tenant> [--json]
  guard reject <tenant> [--json]`;

export interface GuardValues {
  readonly json?: boolean;
  readonly 'max-removals'?: string;
  readonly percent?: string;
  readonly window?: string;
  readonly off?: boolean;
  readonly on?: boolean;
}

function changeOf(values: GuardValues): GuardChange {
  if (values.on && values.off) throw new GuardSettingsError('Give --on or --off, not both.');
  return {
    ...(values['max-removals'] !== undefined ? { maxRemovals: parseMaxRemovals(values['max-removals']) } : {}),
    ...(values.percent !== undefined ? { percent: parsePercent(values.percent) ?? null } : {}),
    ...(values.window !== undefined ? { windowSeconds: parseWindow(values.window) } : {}),
    ...(values.on ? { enabled: true } : values.off ? { enabled: false } : {}),
  };
}

function showLines(view: GuardView): string[] {
  const limit = `${view.maxRemovals} removals${view.percent !== null ? ` or ${view.percent}% of the users (now ${view.limit})` : ''} per ${view.window}`;
  return [
    `Guard:      ${view.enabled ? 'on' : 'off'}, ${limit}`,
    `In window:  ${view.removalsInWindow} removal(s)`,
    view.hold
      ? `Holding:    since ${view.hold.since} (hold ${view.hold.id}); ${view.heldCount} change(s) held: see \`guard held\`, then \`guard release\` or \`guard reject\``
      : `Holding:    no${view.heldCount > 0 ? `; ${view.heldCount} change(s) still held from an earlier hold` : ''}`,
  ];
}

/** Runs one `guard …` command; refusals are AdminErrors (exit 1), nothing changed. */
export async function runGuardCommand(command: string, tenantId: string | undefined, values: GuardValues, deps: Dependencies, out: (line: string) => void): Promise<void> {
  if (tenantId === undefined || tenantId === '') throw new AdminError('Missing tenant id.');
  const json = (value: unknown) => out(JSON.stringify(value, null, 2));
  try {
    switch (command) {
      case 'guard show':
      case 'guard set': {
        const view = command === 'guard show' ? await showGuard(deps, tenantId) : await setGuard(deps, tenantId, changeOf(values));
        if (values.json) return json(view);
        for (const line of showLines(view)) out(line);
        return;
      }
      case 'guard held': {
        const held = await listHeldChanges(deps, tenantId);
        if (values.json) return json({ held });
        if (held.length === 0) return out('Nothing is held.');
        for (const change of held) out(`${change.at}  ${change.operation.padEnd(10)}  ${change.resourceId}  ${change.userName}`);
        out(`${held.length} change(s) held.`);
        return;
      }
      case 'guard release': {
        const result = await releaseHeld(deps, tenantId);
        if (values.json) return json(result);
        out(`Released ${result.released} held change(s): their events are published, in order. The hold is lifted.`);
        return;
      }
      case 'guard reject': {
        const result = await rejectHeld(deps, tenantId);
        if (values.json) return json(result);
        out(`Restored ${result.restored} user(s) as they were before their held removal; no events were published. The hold is lifted.`);
        for (const kept of result.kept) out(`Not restored: ${kept.resourceId} (${kept.reason}); still held.`);
        return;
      }
      default:
        throw new AdminError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof GuardSettingsError) throw new AdminError(error.message);
    throw error;
  }
}
