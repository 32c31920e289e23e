import { parseArgs } from 'node:util';
import {
  GLOBAL_OPTIONS,
  UsageError,
  type Command,
  type OptionSpec,
  type OptionSpecs,
  type ParsedValues,
} from './command';
import { GUARD_COMMANDS } from './commands/guard';
import { LOG_COMMANDS } from './commands/log';
import { OAUTH_COMMANDS } from './commands/oauth';
import { PORTAL_COMMANDS } from './commands/portal';
import { PROFILE_COMMANDS } from './commands/profile';
import { SYNC_COMMANDS } from './commands/sync';
import { TENANT_COMMANDS } from './commands/tenant';
import { TOKEN_COMMANDS } from './commands/token';

/** Every command of `scim-admin`, in the order USAGE lists them. A new command is a row in its area's file. */
export const COMMANDS: readonly Command[] = [
  ...TENANT_COMMANDS,
  ...TOKEN_COMMANDS,
  ...LOG_COMMANDS,
  ...PROFILE_COMMANDS,
  ...OAUTH_COMMANDS,
  ...PORTAL_COMMANDS,
  ...SYNC_COMMANDS,
  ...GUARD_COMMANDS,
];

const GLOBAL_LINE = '[--local | --stack <name> [--region <region>]]';

function optionText(name: string, spec: OptionSpec): string {
  const text = spec.type === 'string' ? `--${name} ${spec.value ?? '<value>'}` : `--${name}`;
  const shown = spec.required ? text : `[${text}]`;
  return spec.multiple ? `${shown}…` : shown;
}

/** `tenant create <id> [--name <display name>] …`: a command's usage line, from its row. */
export function usageLine(command: Command): string {
  const parts = [
    command.name,
    ...command.args.map((arg) => arg.label),
    ...Object.entries(command.options).map(([name, spec]) => optionText(name, spec)),
  ];
  return [...parts, ...(command.note ? [command.note] : [])].join(' ');
}

/** The CLI's usage text: every command of the table, one line each. */
export function usageText(commands: readonly Command[] = COMMANDS): string {
  return `Usage: scim-admin ${GLOBAL_LINE} <command> [--json]

Commands:
${commands.map((command) => `  ${usageLine(command)}`).join('\n')}

Help on one command: scim-admin <command> --help (or scim-admin help <command>).
Target: --local is the instance "npm start" runs from this checkout; otherwise the deployed stack
(--stack, default Scim-dev; --region or AWS_REGION) with the AWS SDK's default credentials.`;
}

function optionHelp(options: OptionSpecs): string[] {
  const rows = Object.entries(options).map(
    ([name, spec]) =>
      [
        `${spec.short ? `-${spec.short}, ` : ''}${optionText(name, { ...spec, required: true, multiple: false })}`,
        `${spec.help ?? ''}${spec.multiple ? ' (repeatable)' : ''}`,
      ] as const,
  );
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}

/** `scim-admin tenant create --help`: the command's usage line, what it does and its options. */
export function commandHelp(command: Command): string {
  const own = Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionHelp(command.options)] : [];
  return [
    `Usage: scim-admin ${GLOBAL_LINE} ${usageLine(command)} [--json]`,
    '',
    command.help,
    ...own,
    '',
    'Global options:',
    ...optionHelp(GLOBAL_OPTIONS),
  ].join('\n');
}

/** The command whose words start the positionals (longest name first), or undefined. */
export function findCommand(
  positionals: readonly string[],
  commands: readonly Command[] = COMMANDS,
): Command | undefined {
  const matches = commands.filter((command) =>
    command.name.split(' ').every((word, index) => positionals[index] === word),
  );
  return matches.sort((a, b) => b.name.length - a.name.length)[0];
}

/** The commands of one area (`tenant` → every `tenant …`), for `scim-admin tenant --help`. */
export function commandsUnder(word: string, commands: readonly Command[] = COMMANDS): readonly Command[] {
  return commands.filter((command) => command.name.split(' ')[0] === word);
}

/** What node:util parseArgs is given for one option (the table's help fields left out). */
type ParseShape = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

function parseShapes(options: OptionSpecs): Record<string, ParseShape> {
  return Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) },
    ]),
  );
}

/**
 * Every option name of the table with one shape, for the first pass that finds the command's words
 * (a string option's value must not be taken for a command word). Two commands giving one option
 * name different shapes would make that pass ambiguous, so that is refused here, at load.
 */
export function allOptions(commands: readonly Command[] = COMMANDS): Record<string, ParseShape> {
  const all: Record<string, ParseShape> = {};
  for (const options of [GLOBAL_OPTIONS, ...commands.map((command) => command.options)]) {
    for (const [name, shape] of Object.entries(parseShapes(options))) {
      const known = all[name];
      if (known && JSON.stringify(known) !== JSON.stringify(shape))
        throw new Error(`Option --${name} has two shapes in the command table.`);
      all[name] = shape;
    }
  }
  return all;
}

const ALL_OPTIONS = allOptions();

/** A parsed invocation: the command (absent for bare `--help` or no command), its arguments and values. */
export interface Invocation {
  readonly command?: Command;
  /** Positionals after the command's words. */
  readonly args: readonly string[];
  readonly values: ParsedValues;
  /** `--help`/`-h` or `help …`: print help instead of running. */
  readonly help: boolean;
  /** The area word of `scim-admin tenant --help` when no command matched. */
  readonly area?: string;
}

function parseError(error: unknown): UsageError {
  return new UsageError((error as Error).message);
}

/**
 * Parses argv against the table: finds the command by its words, then parses again with only that
 * command's options and the global ones, so an option of another command is a usage error naming it.
 * Positional arguments are checked against the row (missing → "Missing tenant id."; extra → refused).
 */
export function parseInvocation(argv: readonly string[], commands: readonly Command[] = COMMANDS): Invocation {
  let first;
  try {
    first = parseArgs({
      args: [...argv],
      options: commands === COMMANDS ? ALL_OPTIONS : allOptions(commands),
      allowPositionals: true,
      strict: false,
      tokens: true,
    });
  } catch (error) {
    throw parseError(error);
  }
  const words = first.positionals[0] === 'help' ? first.positionals.slice(1) : first.positionals;
  const help = first.positionals[0] === 'help' || first.values.help === true;
  if (words.length === 0) {
    if (help) return { args: [], values: {}, help };
    throw new UsageError('Give a command.');
  }
  const command = findCommand(words, commands);
  if (!command) {
    if (help && words.length === 1 && commandsUnder(words[0] ?? '', commands).length > 0)
      return { args: [], values: {}, help, area: words[0] };
    throw new UsageError(`Unknown command "${words.slice(0, 2).join(' ')}".`);
  }
  const allowed = { ...GLOBAL_OPTIONS, ...command.options };
  for (const token of first.tokens) {
    if (token.kind === 'option' && !(token.name in allowed))
      throw new UsageError(`Unknown option ${token.rawName} for "${command.name}".`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: parseShapes(allowed), allowPositionals: true, strict: true });
  } catch (error) {
    throw parseError(error);
  }
  const args = (first.positionals[0] === 'help' ? parsed.positionals.slice(1) : parsed.positionals).slice(
    command.name.split(' ').length,
  );
  if (help) return { command, args, values: parsed.values, help };
  command.args.forEach((arg, index) => {
    const value = args[index];
    if (arg.what && !arg.variadic && (value === undefined || value === ''))
      throw new UsageError(`Missing ${arg.what}.`);
  });
  const variadic = command.args.some((arg) => arg.variadic);
  if (!variadic && args.length > command.args.length)
    throw new UsageError(`Unexpected argument "${args[command.args.length]}" for "${command.name}".`);
  return { command, args, values: parsed.values, help };
}
