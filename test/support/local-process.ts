import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** `npm start` (bin/local.ts) as a real child process: what a crash test kills and restarts. */
export interface LocalProcess {
  readonly child: ChildProcess;
  readonly tenantUrl: string;
  readonly token: string;
  /** The events file the banner names, when this build publishes events (the `Events:` line). */
  readonly eventsFile?: string;
  /** Everything the process printed so far. */
  output(): string;
}

const ROOT = join(__dirname, '..', '..');

/** Starts bin/local.ts on `port` with its data (DynamoDB Local on disk included) under `dataDir`; resolves once the banner is printed. */
export async function startLocalProcess(dataDir: string, port: number, timeoutMs = 60_000): Promise<LocalProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'local.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), SCIM_LOCAL_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const token = /Secret Token:\s+(\S+)\n/.exec(output)?.[1];
    const tenantUrl = /Tenant URL:\s+(\S+)/.exec(output)?.[1];
    if (token !== undefined && tenantUrl !== undefined) {
      // The banner's lines are printed together; the `Events:` line (when there is one) follows the token's.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const eventsFile = /Events:\s+(\S+)/.exec(output)?.[1];
      return { child, tenantUrl, token, ...(eventsFile !== undefined ? { eventsFile } : {}), output: () => output };
    }
    if (child.exitCode !== null) throw new Error(`bin/local.ts exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      killTree(child.pid ?? 0, 'SIGKILL');
      throw new Error(`bin/local.ts printed no banner within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pids of a process's descendants (children first), read from `ps`. */
export function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/**
 * Sends `signal` to a process and to every descendant it had (DynamoDB Local's Java runs as a child of
 * the node process; a SIGKILL of node alone would orphan it, holding the port and the database files).
 */
export function killTree(pid: number, signal: NodeJS.Signals): void {
  const tree = descendants(pid);
  for (const target of [pid, ...tree]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Resolves when the child has exited (or at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
