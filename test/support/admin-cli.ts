import { runCli, type CliIo } from '../../lambdas/admin/cli';

/** What one `scim-admin` invocation printed and returned. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `scim-admin --local <args>` against a test service's data folder, capturing stdout and stderr
 * (`extra` adds test seams, e.g. the Graph client's sleep).
 */
export async function runAdmin(
  service: { readonly dataDir: string },
  args: readonly string[],
  extra: Partial<Pick<CliIo, 'sync' | 'ask'>> = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    dataDir: service.dataDir,
    ...extra,
  };
  const code = await runCli(['--local', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
