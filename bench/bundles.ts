import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { ENV } from '../lambdas/contracts/env';
import { handlerEntry, routes } from '../lambdas/contracts/routes';
import { percentile, progress, round } from './harness';

const ROOT = join(__dirname, '..');

/** The bundling options of lib/constructs/operation-function.ts (NodejsFunction's esbuild call), minus the source map. */
const BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  external: ['@aws-sdk/*'],
  logLevel: 'silent',
};

/** The baseline: a bare handler holding one DynamoDB document client, bundled the same way. */
const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => ({ statusCode: 200, body: typeof client.send });
`;

export interface BundleFigures {
  bundles: Record<string, number>;
  heaviest: string;
  init: { heaviestMs: number; baselineMs: number; baselineBytes: number; processes: number };
  initRatio: number;
}

async function bundle(entry: string, outfile: string): Promise<number> {
  const result = await build({ ...BUNDLING, entryPoints: [entry], outfile, metafile: true });
  return Object.values(result.metafile?.outputs ?? {}).reduce((sum, output) => sum + output.bytes, 0);
}

/** Module-init time of one bundle in a fresh node process: require() timed inside the child. */
function initMs(file: string): number {
  const script = `const s=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-s)/1e6));`;
  const output = execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    // The SDK's Node-version notice goes to stderr; only the timing on stdout matters.
    stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: join(ROOT, 'node_modules'),
      AWS_REGION: 'us-east-1',
      [ENV.tableName]: 'bench',
      [ENV.tokenKeySecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
      [ENV.eventBusName]: 'bench',
      [ENV.serviceName]: 'scim',
    },
  });
  return Number(output);
}

/** Minified bundle size of every route's handler (and the stream publisher), and the heaviest one's init time against the baseline. */
export async function measureBundles(options: { processes: number }): Promise<BundleFigures> {
  const outDir = mkdtempSync(join(tmpdir(), 'scim-bench-bundles-'));
  try {
    const entries = [
      ...routes.map((route) => ({ name: route.operation, entry: handlerEntry(route.operation) })),
      { name: 'publishChanges', entry: 'lambdas/handlers/publish-changes.ts' },
    ];
    const bundles: Record<string, number> = {};
    for (const { name, entry } of entries) {
      // The route table may name a handler another change has not written yet: say so, skip it.
      if (!existsSync(join(ROOT, entry))) progress(`bundles: ${entry} does not exist; skipped`);
      else bundles[name] = await bundle(join(ROOT, entry), join(outDir, `${name}.js`));
    }
    const [heaviest = ''] = Object.entries(bundles).sort((a, b) => b[1] - a[1])[0] ?? [];
    const baselineEntry = join(outDir, 'baseline-entry.ts');
    writeFileSync(baselineEntry, BASELINE_SOURCE);
    // Resolve the baseline's imports from the repository, as the handlers' are.
    const baselineBytes = await build({
      ...BUNDLING,
      entryPoints: [baselineEntry],
      outfile: join(outDir, 'baseline.js'),
      nodePaths: [join(ROOT, 'node_modules')],
      metafile: true,
    }).then((result) => Object.values(result.metafile?.outputs ?? {}).reduce((sum, output) => sum + output.bytes, 0));
    progress(
      `bundles: ${Object.keys(bundles).length} built; heaviest ${heaviest} (${bundles[heaviest]} bytes); timing init in ${options.processes} fresh processes each`,
    );
    const heavy: number[] = [];
    const base: number[] = [];
    // Interleaved, so drift in machine load hits both sides alike; one unrecorded run each warms the disk cache.
    initMs(join(outDir, `${heaviest}.js`));
    initMs(join(outDir, 'baseline.js'));
    for (let run = 0; run < options.processes; run++) {
      heavy.push(initMs(join(outDir, `${heaviest}.js`)));
      base.push(initMs(join(outDir, 'baseline.js')));
    }
    const heaviestMs = round(percentile(heavy, 50));
    const baselineMs = round(percentile(base, 50));
    return {
      bundles,
      heaviest,
      init: { heaviestMs, baselineMs, baselineBytes, processes: options.processes },
      initRatio: round(heaviestMs / baselineMs),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
