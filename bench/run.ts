/**
 * `npm run bench [-- --quick]`: the numbers ../shared/DESIGN.md "What good looks like" asks for,
 * measured against the local service on DynamoDB Local. Prints a table to stdout, progress to stderr,
 * and writes bench/results/latest.json (docs/performance.md explains every figure).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { measureBundles } from './bundles';
import { costPerMillion } from './cost';
import { BenchEnvironment, progress } from './harness';
import { MEASURED_OPERATIONS, measureOperations } from './operations';
import { measureScaling, SCALED_OPERATIONS } from './scaling';
import { runGraphSync } from './graph-sync';
import { runSync } from './sync';

const quick = process.argv.includes('--quick');

const PLAN = quick
  ? { direct: 5, http: 40, hundredCalls: 10, scaling: { small: 10, large: 5_000, direct: 3, http: 15 }, initProcesses: 11, sync: { users: 1_000, groups: 10, clients: 4 }, graphSync: { users: 1_000, changes: 100 } }
  : { direct: 10, http: 200, hundredCalls: 30, scaling: { small: 10, large: 100_000, direct: 5, http: 40 }, initProcesses: 21, sync: { users: 10_000, groups: 50, clients: 4 }, graphSync: { users: 10_000, changes: 100 } };

const TARGETS = {
  'scaling.matchUserName.requests.ratio': '1.0',
  'scaling.addOneMember.requests.ratio': '1.0',
  'scaling.removeOneMember.requests.ratio': '1.0',
  'dynamodbRequests.createUser': '1',
  initRatio: '≤ 1.3',
  'sync.seconds': '< 600 with 0 errors (10,000 users, 2 cores)',
  'costPerMillion.total': '≤ $10',
};

const pad = (text: unknown, width: number) => String(text).padEnd(width);
const padLeft = (text: unknown, width: number) => String(text).padStart(width);

async function main() {
  const startedAt = new Date();
  progress(`${quick ? 'quick' : 'full'} run on ${cpus().length} cores, node ${process.version}`);
  const bundles = await measureBundles({ processes: PLAN.initProcesses });
  const environment = await BenchEnvironment.start();
  // Ctrl-C must not leave DynamoDB Local running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping DynamoDB Local`);
      void environment.stop().finally(() => process.exit(130));
    });
  }
  try {
    // The sync first, with the stream publisher running; then the publisher stops so it neither
    // competes for CPU nor shows in per-handler CPU time.
    const sync = await runSync(environment, PLAN.sync);
    await environment.service.publisher.stop();
    const graphSync = await runGraphSync(environment, PLAN.graphSync);
    const operations = await measureOperations(environment, PLAN);
    const scaling = await measureScaling(environment, PLAN.scaling);
    const results = {
      mode: quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
      dynamodbRequests: Object.fromEntries(MEASURED_OPERATIONS.map((operation) => [operation, operations[operation].requests])),
      dynamodbCommands: Object.fromEntries(MEASURED_OPERATIONS.map((operation) => [operation, operations[operation].commands])),
      capacityUnits: Object.fromEntries(MEASURED_OPERATIONS.map((operation) => [operation, operations[operation].capacity])),
      latencyMs: Object.fromEntries(MEASURED_OPERATIONS.map((operation) => [operation, { p50: operations[operation].p50Ms, p99: operations[operation].p99Ms, handlerCpu: operations[operation].cpuMs }])),
      scaling,
      bundles: bundles.bundles,
      heaviestBundle: bundles.heaviest,
      init: bundles.init,
      initRatio: bundles.initRatio,
      sync,
      graphSync,
      costPerMillion: costPerMillion(operations),
      targets: TARGETS,
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);
    progress(`wrote bench/results/latest.json in ${results.seconds} s`);
  } finally {
    await environment.stop();
  }
}

function printReport(results: any) {
  const lines: string[] = [];
  lines.push(`SCIM bench (${results.mode}), ${results.startedAt}, ${results.machine.cores} cores, node ${results.machine.node}`, '');
  lines.push(`${pad('operation', 24)}${padLeft('requests', 9)}${padLeft('RRU', 8)}${padLeft('WRU', 8)}${padLeft('p50 ms', 9)}${padLeft('p99 ms', 9)}${padLeft('cpu ms', 9)}  commands`);
  for (const operation of MEASURED_OPERATIONS) {
    const latency = results.latencyMs[operation];
    const capacity = results.capacityUnits[operation];
    const commands = Object.entries(results.dynamodbCommands[operation] as Record<string, number>).map(([name, count]) => `${count} ${name.replace(/Command$/, '')}`).join(', ');
    lines.push(`${pad(operation, 24)}${padLeft(results.dynamodbRequests[operation], 9)}${padLeft(capacity.read, 8)}${padLeft(capacity.write, 8)}${padLeft(latency.p50, 9)}${padLeft(latency.p99, 9)}${padLeft(latency.handlerCpu, 9)}  ${commands}`);
  }
  lines.push('', `${pad('scaling (small → large)', 26)}${padLeft('requests', 12)}${padLeft('ratio', 7)}${padLeft('median ms', 18)}${padLeft('ratio', 7)}`);
  for (const operation of SCALED_OPERATIONS) {
    const figures = results.scaling[operation];
    lines.push(`${pad(`${operation} ${figures.small}→${figures.large}`, 26)}${padLeft(`${figures.requests.small}→${figures.requests.large}`, 12)}${padLeft(figures.requests.ratio, 7)}${padLeft(`${figures.medianMs.small}→${figures.medianMs.large}`, 18)}${padLeft(figures.medianMs.ratio, 7)}`);
  }
  lines.push('', `bundles (minified bytes): ${Object.entries(results.bundles as Record<string, number>).map(([name, bytes]) => `${name} ${bytes}`).join(', ')}`);
  lines.push(`init: ${results.heaviestBundle} ${results.init.heaviestMs} ms vs baseline ${results.init.baselineMs} ms (median of ${results.init.processes} processes) → initRatio ${results.initRatio}`);
  const sync = results.sync;
  lines.push(
    `sync: ${sync.users} users, ${sync.groups} groups, ${sync.clients} clients: ${sync.operations} calls in ${sync.seconds} s (${sync.operationsPerSecond} ops/s), ${sync.errors} errors, ${sync.throttled} throttled; ${sync.changesMade} changes, ${sync.eventsDelivered} events delivered, ${sync.changesWithoutEvent} changes without an event, ${sync.duplicateEvents} duplicates`,
  );
  for (const [name, run] of [['initial pull', results.graphSync.initialPull], ['delta run', results.graphSync.deltaRun]] as const) {
    lines.push(`graph sync ${name}: ${run.users} users, ${run.changedUsers} changed in ${run.seconds} s, ${run.graphRequests} Graph requests, ${run.dynamodbRequests} DynamoDB requests (${run.dynamodbRequestsPerChangedUser} per changed user), ${run.errors} errors`);
  }
  const cost = results.costPerMillion;
  lines.push(`cost per million operations (Entra mix, ${cost.prices.region} prices of ${cost.prices.date}): $${cost.total} = ${Object.entries(cost.breakdown).map(([name, dollars]) => `${name} $${dollars}`).join(' + ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
