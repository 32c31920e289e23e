import {
  listHeldChanges,
  rejectHeld,
  releaseHeld,
  setGuard,
  showGuard,
  type GuardChange,
  type GuardView,
} from '../../operations/removal-guard/guard-admin';
import { GuardSettingsError, parseMaxRemovals, parsePercent, parseWindow } from '../../tenancy/removal-guard';
import { defineCommand, printJson, TENANT_ARG, type CliIo } from '../command';

const GUARD_SETTINGS = {
  'max-removals': { type: 'string', value: 'N', help: 'Hold removals past this many per window (default 500).' },
  percent: {
    type: 'string',
    value: 'P|none',
    help: 'Or past this share of the users, whichever is lower; none turns it off.',
  },
  window: { type: 'string', value: '1h', help: 'The sliding window removals are counted in (30m, 1h, 1d).' },
  on: { type: 'boolean', help: 'Turn the guard on.' },
  off: { type: 'boolean', help: 'Turn the guard off (removals are never held).' },
} as const;

function changeOf(values: {
  readonly [K in keyof typeof GUARD_SETTINGS]?: (typeof GUARD_SETTINGS)[K]['type'] extends 'boolean' ? boolean : string;
}): GuardChange {
  if (values.on && values.off) throw new GuardSettingsError('Give --on or --off, not both.');
  return {
    ...(values['max-removals'] !== undefined ? { maxRemovals: parseMaxRemovals(values['max-removals']) } : {}),
    ...(values.percent !== undefined ? { percent: parsePercent(values.percent) ?? null } : {}),
    ...(values.window !== undefined ? { windowSeconds: parseWindow(values.window) } : {}),
    ...(values.on ? { enabled: true } : values.off ? { enabled: false } : {}),
  };
}

function printView(io: CliIo, json: boolean | undefined, view: GuardView): void {
  if (json) return printJson(io, view);
  const limit = `${view.maxRemovals} removals${view.percent !== null ? ` or ${view.percent}% of the users (now ${view.limit})` : ''} per ${view.window}`;
  io.out(`Guard:      ${view.enabled ? 'on' : 'off'}, ${limit}`);
  io.out(`In window:  ${view.removalsInWindow} removal(s)`);
  io.out(
    view.hold
      ? `Holding:    since ${view.hold.since} (hold ${view.hold.id}); ${view.heldCount} change(s) held: see \`guard held\`, then \`guard release\` or \`guard reject\``
      : `Holding:    no${view.heldCount > 0 ? `; ${view.heldCount} change(s) still held from an earlier hold` : ''}`,
  );
}

/** `guard …`: the accidental-deletion guard (docs/removal-guard.md); refusals exit 1 and change nothing. */
export const GUARD_COMMANDS = [
  defineCommand({
    name: 'guard show',
    args: [TENANT_ARG],
    options: {},
    help: "Shows the guard's settings, the removals in the current window and whether it is holding.",
    async run({ args: [tenantId = ''], values, deps, io }) {
      printView(io, values.json, await showGuard(deps, tenantId));
    },
  }),
  defineCommand({
    name: 'guard set',
    args: [TENANT_ARG],
    options: GUARD_SETTINGS,
    help: 'Changes the guard: how many removals per window it lets through, or on and off.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      printView(io, values.json, await setGuard(deps, tenantId, changeOf(values)));
    },
  }),
  defineCommand({
    name: 'guard held',
    args: [TENANT_ARG],
    options: {},
    help: 'Lists the held removals; --json prints {"held": [...]}.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      const held = await listHeldChanges(deps, tenantId);
      if (values.json) return printJson(io, { held });
      if (held.length === 0) return io.out('Nothing is held.');
      for (const change of held)
        io.out(`${change.at}  ${change.operation.padEnd(10)}  ${change.resourceId}  ${change.userName}`);
      io.out(`${held.length} change(s) held.`);
    },
  }),
  defineCommand({
    name: 'guard release',
    args: [TENANT_ARG],
    options: {},
    help: 'Publishes the held changes, in order, and lifts the hold.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      const result = await releaseHeld(deps, tenantId);
      if (values.json) return printJson(io, result);
      io.out(`Released ${result.released} held change(s): their events are published, in order. The hold is lifted.`);
    },
  }),
  defineCommand({
    name: 'guard reject',
    args: [TENANT_ARG],
    options: {},
    help: 'Restores the users as they were before their held removal, publishes nothing, and lifts the hold.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      const result = await rejectHeld(deps, tenantId);
      if (values.json) return printJson(io, result);
      io.out(
        `Restored ${result.restored} user(s) as they were before their held removal; no events were published. The hold is lifted.`,
      );
      for (const kept of result.kept) io.out(`Not restored: ${kept.resourceId} (${kept.reason}); still held.`);
    },
  }),
];
