import { createWiring } from '../wiring';
import { UsageError, type CliIo, type CommandContext } from './command';
import { commandHelp, commandsUnder, parseInvocation, usageLine, usageText } from './command-table';
import { resolveTarget } from './target';

export type { CliIo, SyncCommandOptions } from './command';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The usage text, derived from the command table (lambdas/admin/command-table.ts). */
export const USAGE = usageText();

/** Runs one CLI invocation; returns the process exit code (0 ok, 1 refused or failed, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(argv.length === 0 ? USAGE : `${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { command, args, values } = invocation;
  if (invocation.help || !command) {
    if (command) io.out(commandHelp(command));
    else if (invocation.area) io.out(commandsUnder(invocation.area).map(usageLine).join('\n'));
    else io.out(USAGE);
    return EXIT.ok;
  }
  try {
    const stack = typeof values.stack === 'string' ? values.stack : 'Scim-dev';
    const region = typeof values.region === 'string' ? values.region : undefined;
    const target = await resolveTarget({
      local: values.local === true,
      dataDir: io.dataDir,
      stack,
      ...(region ? { region } : {}),
    });
    const { deps } = createWiring(target.config);
    const context: CommandContext = { args, values, target, deps, io };
    await command.run(context);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${commandHelp(command)}`);
      return EXIT.usage;
    }
    io.err(`Error: ${(error as Error).message ?? String(error)}`);
    return EXIT.failed;
  }
}
