// `npx scim-admin …`: tenants, tokens and the provisioning log (docs/operations.md).
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { runCli } from '../lambdas/admin/cli';

const interactive = process.stdin.isTTY && process.stderr.isTTY;
void runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  dataDir: join(__dirname, '..', '.local'),
  ...(interactive
    ? {
        ask: async (question: string) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return await rl.question(question);
          } finally {
            rl.close();
          }
        },
        progress: (line: string) => process.stderr.write(`\r\x1b[2K${line}`),
      }
    : {}),
}).then((code) => process.exit(code));
