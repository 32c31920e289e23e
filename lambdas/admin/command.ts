import type { GraphClientOptions } from '../adapters/graph/graph-client';
import { AdminError } from '../operations/admin-error';
import type { Dependencies } from '../operations/ports';
import type { TenantRecord } from '../tenancy/tenant';
import type { Target } from './target';

/** Graph sync test seams (the Graph client's sleep and clock, the poll interval of `sync run --wait`). */
export interface SyncCommandOptions {
  readonly graph?: GraphClientOptions;
  /** Poll interval of `sync run --wait` against a deployed stack. @default 2,000 ms */
  readonly pollMs?: number;
}

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

/** One option of a command: a node:util parseArgs shape plus what `--help` shows. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's placeholder in usage lines, e.g. `<label>` or `90d` (string options). */
  readonly value?: string;
  /** Shown without brackets in the usage line (the handler refuses the command without it). */
  readonly required?: boolean;
  readonly help?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** One positional argument: `<tenant>` in the usage line; `Missing tenant id.` when absent. */
export interface ArgSpec {
  readonly label: string;
  /** What the "Missing …" usage error names; absent for a variadic tail the handler checks itself. */
  readonly what?: string;
  /** Takes every remaining argument (`<field>=<value> …`). */
  readonly variadic?: boolean;
}

/** The options every command accepts (the target, output format and help). */
export const GLOBAL_OPTIONS = {
  local: { type: 'boolean', help: 'Work on the instance "npm start" runs from this checkout.' },
  stack: { type: 'string', value: '<name>', help: 'The deployed stack to work on (default Scim-dev).' },
  region: { type: 'string', value: '<region>', help: "The stack's region (default AWS_REGION)." },
  json: { type: 'boolean', help: 'Print JSON instead of text lines.' },
  help: { type: 'boolean', short: 'h', help: "Print this command's help." },
} as const satisfies OptionSpecs;

type ValueOf<S extends OptionSpec> = S extends { multiple: true }
  ? string[]
  : S extends { type: 'boolean' }
    ? boolean
    : string;

/** The parsed values of a command's own options and the global ones (absent when not given). */
export type ValuesOf<O extends OptionSpecs> = {
  readonly [K in keyof O | keyof typeof GLOBAL_OPTIONS]?: ValueOf<(O & typeof GLOBAL_OPTIONS)[K]>;
};

/** What a handler gets: its positional arguments (after the command's words), options, and the world. */
export interface CommandContext<V = ParsedValues> {
  readonly args: readonly string[];
  readonly values: V;
  readonly target: Target;
  readonly deps: Dependencies;
  readonly io: CliIo;
}

/** Option values as node:util parseArgs returns them, before a command's row gives them types. */
export type ParsedValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** One row of the command table; parsing, USAGE and `--help` are derived from these rows. */
export interface Command<O extends OptionSpecs = OptionSpecs, V = ParsedValues> {
  /** The words that select it, e.g. `tenant create`. */
  readonly name: string;
  readonly args: readonly ArgSpec[];
  readonly options: O;
  /** One line for `--help`. */
  readonly help: string;
  /** A note after the usage line, e.g. `(an empty value clears the user's value)`. */
  readonly note?: string;
  run(context: CommandContext<V>): Promise<void>;
}

/**
 * Declares a command with `values` typed by its own options. The cast to the table's row type is
 * sound because the table parses each command with exactly its options and the global ones.
 */
export function defineCommand<const O extends OptionSpecs>(command: Command<O, ValuesOf<O>>): Command {
  return command as unknown as Command;
}

/** A usage mistake: exit code 2, the message and the usage text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `<tenant>`: the first argument of most commands. */
export const TENANT_ARG: ArgSpec = { label: '<tenant>', what: 'tenant id' };

/** The one "tenant exists" check of the CLI (exit 1 when it does not). */
export async function tenantOrFail(deps: Dependencies, tenantId: string): Promise<TenantRecord> {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new AdminError(`Tenant "${tenantId}" does not exist.`);
  return tenant;
}

/** `a=b c=d` → {a: 'b', c: 'd'}. */
export function assignments(args: readonly string[], shape: string): Record<string, string> {
  if (args.length === 0) throw new UsageError(`Give at least one ${shape}.`);
  const result: Record<string, string> = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals <= 0) throw new UsageError(`"${arg}" is not ${shape}.`);
    result[arg.slice(0, equals)] = arg.slice(equals + 1);
  }
  return result;
}

/** Prints a value as the CLI's JSON output (two-space indent). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** The progress callback of commands that reconcile profiles, and the base of the Tenant URLs in their events. */
export function reconcileOptions(io: CliIo, target: Target) {
  return {
    onProgress: (done: number) => io.progress?.(`Reconciling profiles: ${done} users`),
    tenantUrlBase: target.tenantUrlBase,
  };
}
