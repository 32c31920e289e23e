import { runCli, USAGE, type CliIo } from '../../../lambdas/admin/cli';
import { COMMANDS, usageLine } from '../../../lambdas/admin/command-table';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    dataDir: '/nonexistent-scim-admin-data',
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scim-admin: parsing, usage and help derived from the command table', () => {
  it('lists every command of the table in the usage text, one line each', () => {
    for (const command of COMMANDS) expect(USAGE).toContain(`  ${usageLine(command)}\n`);
    expect(new Set(COMMANDS.map((command) => command.name)).size).toBe(COMMANDS.length);
  });

  it.each(COMMANDS.map((command) => [command.name]))(
    'prints the help of "%s" with --help and with help <command>, exit 0',
    async (name) => {
      const command = COMMANDS.find((row) => row.name === name);

      const flag = await cli(...name.split(' '), '--help');
      const verb = await cli('help', ...name.split(' '));

      expect(flag.code).toBe(0);
      expect(flag.out).toContain(usageLine(command!));
      expect(flag.out).toContain(command!.help);
      for (const option of Object.keys(command!.options)) expect(flag.out).toContain(`--${option}`);
      expect(verb).toEqual(flag);
    },
  );

  it('prints the usage on bare --help (exit 0) and on no command (exit 2)', async () => {
    expect(await cli('--help')).toEqual({ code: 0, out: USAGE, err: '' });
    expect(await cli()).toEqual({ code: 2, out: '', err: USAGE });
  });

  it.each([
    [['tenant', 'frobnicate'], 'Unknown command "tenant frobnicate".'],
    [['frob'], 'Unknown command "frob".'],
    [['tenant', 'list', '--label', 'x'], 'Unknown option --label for "tenant list".'],
    [['guard', 'held', 'acme', '--purge'], 'Unknown option --purge for "guard held".'],
    [['token', 'revoke', 'acme'], 'Missing token id.'],
    [['guard', 'show'], 'Missing tenant id.'],
    [['sync', 'status'], 'Missing tenant id.'],
    [['tenant', 'show', 'acme', 'extra'], 'Unexpected argument "extra" for "tenant show".'],
    [['token', 'issue', 'acme', '--label'], "Option '--label <value>' argument missing"],
  ])('refuses %j with exit 2 and a clear message, before touching any target', async (argv, message) => {
    const result = await cli('--local', ...argv);

    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });

  it('reaches the target only once the invocation parses (a missing local instance is exit 1)', async () => {
    const result = await cli('--local', 'tenant', 'show', 'acme');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^Error: No local instance found/);
  });
});
