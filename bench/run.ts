/**
 * `npm run bench [-- --quick]`: the numbers ../shared/DESIGN.md "What good looks like" asks for,
 * measured against the local service on DynamoDB Local. Prints a table to stdout, progress to stderr,
 * and writes bench/results/latest.json (docs/performance.md explains every figure).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { measureAuth } from './auth';
import { measureBundles } from './bundles';
import { costPerMillion, ENTRA_MIX } from './cost';
import { BenchEnvironment, progress } from './harness';
import { mixFigures, runLoad } from './load';
import { MEASURED_OPERATIONS, measureOperations } from './operations';
import { measureScaling, SCALED_OPERATIONS } from './scaling';
import { runGraphSync } from './graph-sync';
import { runSync } from './sync';
import { runHotGroup } from './hot-group';

const quick = process.argv.includes('--quick');

const PLAN = quick
  ? {
      direct: 5,
      http: 40,
      hundredCalls: 10,
      scaling: { small: 10, large: 5_000, direct: 3, http: 15 },
      initProcesses: 11,
      sync: { users: 1_000, groups: 10, clients: 4 },
      hotGroup: { existing: 1_000, concurrency: 8, membersPerPatch: 50 },
      load: { seconds: 6, maxSteps: 4, maxTenants: 8 },
      graphSync: { users: 1_000, changes: 100 },
    }
  : {
      direct: 10,
      http: 200,
      hundredCalls: 30,
      scaling: { small: 10, large: 100_000, direct: 5, http: 40 },
      initProcesses: 21,
      sync: { users: 10_000, groups: 50, clients: 4 },
      hotGroup: { existing: 10_000, concurrency: 8, membersPerPatch: 50 },
      load: { seconds: 20, maxSteps: 8, maxTenants: 64 },
      graphSync: { users: 10_000, changes: 100 },
    };

const TARGETS = {
  'scaling.matchUserName.requests.ratio': '1.0',
  'scaling.addOneMember.requests.ratio': '1.0',
  'scaling.removeOneMember.requests.ratio': '1.0',
  'dynamodbRequests.createUser': '1',
  initRatio: '≤ 1.3',
  'sync.seconds': '< 600 with 0 errors (10,000 users, 2 cores)',
  'costPerMillion.total': '≤ $10',
  hotGroup: 'errors 0, exact true (8 writers × 50 members, then 8 remove/re-add)',
  'load.maxTenantsAt25rps': '≥ 1: 25 requests/s per tenant with 0 errors, 0 throttled, p99 < 1 s',
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
    const hotGroup = await runHotGroup(environment, PLAN.hotGroup);
    const graphSync = await runGraphSync(environment, PLAN.graphSync);
    const operations = await measureOperations(environment, PLAN);
    const scaling = await measureScaling(environment, PLAN.scaling);
    const auth = await measureAuth(environment, PLAN);
    const { load, steps: loadSteps } = await runLoad(environment, PLAN.load);
    const results = {
      mode: quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: process.platform,
      },
      dynamodbRequests: Object.fromEntries(
        MEASURED_OPERATIONS.map((operation) => [operation, operations[operation].requests]),
      ),
      dynamodbCommands: Object.fromEntries(
        MEASURED_OPERATIONS.map((operation) => [operation, operations[operation].commands]),
      ),
      capacityUnits: Object.fromEntries(
        MEASURED_OPERATIONS.map((operation) => [operation, operations[operation].capacity]),
      ),
      latencyMs: Object.fromEntries(
        MEASURED_OPERATIONS.map((operation) => [
          operation,
          {
            p50: operations[operation].p50Ms,
            p99: operations[operation].p99Ms,
            handlerCpu: operations[operation].cpuMs,
          },
        ]),
      ),
      scaling,
      bundles: bundles.bundles,
      heaviestBundle: bundles.heaviest,
      init: bundles.init,
      initRatio: bundles.initRatio,
      sync,
      hotGroup,
      graphSync,
      costPerMillion: costPerMillion(operations),
      auth,
      load,
      loadSteps,
      entraMixPerRequest: mixFigures(operations, ENTRA_MIX as Record<string, number>),
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
  lines.push(
    `SCIM bench (${results.mode}), ${results.startedAt}, ${results.machine.cores} cores, node ${results.machine.node}`,
    '',
  );
  lines.push(
    `${pad('operation', 24)}${padLeft('requests', 9)}${padLeft('RRU', 8)}${padLeft('WRU', 8)}${padLeft('p50 ms', 9)}${padLeft('p99 ms', 9)}${padLeft('cpu ms', 9)}  commands`,
  );
  for (const operation of MEASURED_OPERATIONS) {
    const latency = results.latencyMs[operation];
    const capacity = results.capacityUnits[operation];
    const commands = Object.entries(results.dynamodbCommands[operation] as Record<string, number>)
      .map(([name, count]) => `${count} ${name.replace(/Command$/, '')}`)
      .join(', ');
    lines.push(
      `${pad(operation, 24)}${padLeft(results.dynamodbRequests[operation], 9)}${padLeft(capacity.read, 8)}${padLeft(capacity.write, 8)}${padLeft(latency.p50, 9)}${padLeft(latency.p99, 9)}${padLeft(latency.handlerCpu, 9)}  ${commands}`,
    );
  }
  lines.push(
    '',
    `${pad('scaling (small → large)', 26)}${padLeft('requests', 12)}${padLeft('ratio', 7)}${padLeft('median ms', 18)}${padLeft('ratio', 7)}`,
  );
  for (const operation of SCALED_OPERATIONS) {
    const figures = results.scaling[operation];
    lines.push(
      `${pad(`${operation} ${figures.small}→${figures.large}`, 26)}${padLeft(`${figures.requests.small}→${figures.requests.large}`, 12)}${padLeft(figures.requests.ratio, 7)}${padLeft(`${figures.medianMs.small}→${figures.medianMs.large}`, 18)}${padLeft(figures.medianMs.ratio, 7)}`,
    );
  }
  lines.push(
    '',
    `bundles (minified bytes): ${Object.entries(results.bundles as Record<string, number>)
      .map(([name, bytes]) => `${name} ${bytes}`)
      .join(', ')}`,
  );
  lines.push(
    `init: ${results.heaviestBundle} ${results.init.heaviestMs} ms vs baseline ${results.init.baselineMs} ms (median of ${results.init.processes} processes) → initRatio ${results.initRatio}`,
  );
  const sync = results.sync;
  lines.push(
    `sync: ${sync.users} users, ${sync.groups} groups, ${sync.clients} clients: ${sync.operations} calls in ${sync.seconds} s (${sync.operationsPerSecond} ops/s), ${sync.errors} errors, ${sync.throttled} throttled; ${sync.changesMade} changes, ${sync.eventsDelivered} events delivered, ${sync.changesWithoutEvent} changes without an event, ${sync.duplicateEvents} duplicates`,
  );
  const hot = results.hotGroup;
  lines.push(
    `hotGroup: ${hot.concurrency} writers × ${hot.membersPerPatch} members into a group of ${hot.existingMembers}, then remove/re-add: ${hot.patches} PATCHes, ${hot.errors} errors, p50 ${hot.p50Ms} ms, p99 ${hot.p99Ms} ms, exact ${hot.exact}`,
  );
  for (const [name, run] of [
    ['initial pull', results.graphSync.initialPull],
    ['delta run', results.graphSync.deltaRun],
  ] as const) {
    lines.push(
      `graph sync ${name}: ${run.users} users, ${run.changedUsers} changed in ${run.seconds} s, ${run.graphRequests} Graph requests, ${run.dynamodbRequests} DynamoDB requests (${run.dynamodbRequestsPerChangedUser} per changed user), ${run.errors} errors`,
    );
  }
  const cost = results.costPerMillion;
  lines.push(
    `cost per million operations (Entra mix, ${cost.prices.region} prices of ${cost.prices.date}): $${cost.total} = ${Object.entries(
      cost.breakdown,
    )
      .map(([name, dollars]) => `${name} $${dollars}`)
      .join(' + ')}`,
  );
  const auth = results.auth;
  for (const [name, figures] of [
    ['Secret Token', auth.secretToken],
    ['access token', auth.accessToken],
  ] as const) {
    lines.push(
      `auth per request (${name}): authenticate ${figures.authenticateRequests} DynamoDB requests, ${figures.authenticateCpuUs} µs CPU; matchUserName ${figures.dynamodbRequests} requests, ${figures.handlerCpuMs} ms handler CPU`,
    );
  }
  lines.push(
    `auth: a forged access token costs ${auth.forgedAccessTokenRequests} DynamoDB requests; token endpoint p50 ${auth.tokenEndpoint.p50Ms} ms, p99 ${auth.tokenEndpoint.p99Ms} ms, ${auth.tokenEndpoint.dynamodbRequests} DynamoDB requests, ${auth.tokenEndpoint.handlerCpuMs} ms handler CPU`,
  );
  const load = results.load;
  lines.push(
    `load: ${load.tenants} tenants × ${load.ratePerTenant} requests/s for ${load.seconds} s: ${load.requests} requests, ${load.errors} errors, ${load.throttled} throttled, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms → maxTenantsAt25rps ${load.maxTenantsAt25rps} (steps: ${results.loadSteps.map((step: any) => `${step.tenants}${step.passed ? '✓' : '✗'}`).join(' ')})`,
  );
  const mix = results.entraMixPerRequest;
  lines.push(
    `Entra mix per request: ${mix.handlerCpuMs} ms handler CPU, ${mix.dynamodbRequests} DynamoDB requests, ${mix.readUnits} RRU, ${mix.writeUnits} WRU`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
