import { readdirSync, readFileSync } from 'node:fs';
import type { BenchEnvironment, BenchTenant, ScimRequestSpec } from './harness';
import { percentile, progress, round } from './harness';
import { PATCH_OP, newUserBody, userNameOf, type OperationFigures } from './operations';

/** Microsoft's bar for gallery SCIM apps: at least 25 requests/s per tenant without a 429. */
export const RATE_PER_TENANT = 25;
/** A step passes with no error, no 429/503 and a p99 (from the scheduled time) under this. */
export const P99_LIMIT_MS = 1000;
/** A request that has not answered after this long counts as an error (so a step never hangs). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Seeded users per tenant: PATCHes and member changes cycle through them, so no two overlap on one user. */
const POOL = 200;

/**
 * One cycle of Entra's mix (shared/entra/README.md: a match before every create, then mostly PATCHes
 * and member changes): 4 matches, 3 user PATCHes, 1 create, 1 member add, 1 member remove.
 */
const CYCLE = [
  'match',
  'patchUser',
  'match',
  'createUser',
  'patchUser',
  'addMember',
  'match',
  'patchUser',
  'removeMember',
  'match',
] as const;
type LoadOperation = (typeof CYCLE)[number];

/** What a load figure and a step of the ramp both count. */
interface LoadCounts {
  tenants: number;
  seconds: number;
  requests: number;
  errors: number;
  throttled: number;
  p50Ms: number;
  p99Ms: number;
}

/** `load` in bench/results/latest.json (docs/performance.md "Load"): these fields exactly. */
export interface LoadFigures extends LoadCounts {
  ratePerTenant: number;
  maxTenantsAt25rps: number;
}

/** One step of the ramp: N tenants for `seconds`. */
export interface LoadStep extends LoadCounts {
  maxMs: number;
  /** CPU of this Node process (HTTP client, local server, handlers; not DynamoDB Local's JVM) per request. */
  cpuMsPerRequest: number;
  /** CPU of DynamoDB Local's process tree (its JVM) per request; null where /proc is not readable. */
  dynamodbLocalCpuMsPerRequest: number | null;
  passed: boolean;
}

export interface LoadPlan {
  /** Length of each step. */
  readonly seconds: number;
  /** At most this many steps in all (doubling, then bisecting). */
  readonly maxSteps: number;
  /** Never drive more tenants than this. */
  readonly maxTenants: number;
}

interface LoadTenant {
  readonly tenant: BenchTenant;
  readonly users: readonly string[];
  readonly groupId: string;
  /** Position in CYCLE, and counters per operation, kept across steps. */
  next: number;
  readonly counters: Record<LoadOperation, number>;
}

/** A request of the mix, with the status that counts as success. */
function nextRequest(
  state: LoadTenant,
  stamp: string,
): { spec: ScimRequestSpec; expect: number; operation: LoadOperation } {
  const operation = CYCLE[state.next++ % CYCLE.length] as LoadOperation;
  const count = state.counters[operation]++;
  const { tenant, users, groupId } = state;
  switch (operation) {
    case 'match':
      // Every other match misses, as Entra's match before a create does.
      return {
        operation,
        expect: 200,
        spec: {
          method: 'GET',
          path: '/Users',
          query: {
            filter: `userName eq "${count % 2 === 0 ? userNameOf(tenant, 'l', count % POOL) : `absent${count}-${stamp}@example.com`}"`,
          },
        },
      };
    case 'createUser':
      return {
        operation,
        expect: 201,
        spec: {
          method: 'POST',
          path: '/Users',
          body: newUserBody(`load${count}-${stamp}@${tenant.tenantId}.example`, `load${count}-${stamp}`),
        },
      };
    case 'patchUser':
      return {
        operation,
        expect: 200,
        spec: {
          method: 'PATCH',
          path: `/Users/${users[count % POOL]}`,
          body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: `Title ${count}` }] },
        },
      };
    case 'addMember':
    case 'removeMember': {
      // Adds walk the pool one user at a time; removes follow half a pool behind, so a member is
      // added long before it is removed and the group's size stays bounded.
      const member = users[(operation === 'addMember' ? count : count + POOL / 2) % POOL] as string;
      const op = operation === 'addMember' ? 'Add' : 'Remove';
      return {
        operation,
        expect: 204,
        spec: {
          method: 'PATCH',
          path: `/Groups/${groupId}`,
          body: { schemas: [PATCH_OP], Operations: [{ op, path: 'members', value: [{ value: member }] }] },
        },
      };
    }
  }
}

/** Sends one request with a deadline; network failures and timeouts come back as status 0. */
async function send(
  environment: BenchEnvironment,
  tenant: BenchTenant,
  spec: ScimRequestSpec,
): Promise<{ status: number; detail: string }> {
  try {
    const response = await environment.fetch(tenant, spec, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const text = await response.text();
    return { status: response.status, detail: text.slice(0, 200) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, detail: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause})` : ''}` };
  }
}

/**
 * Fails fast, with a message naming the URL, when the service does not answer: a load run against
 * nothing would otherwise report a wall of timeouts (or, without deadlines, never end).
 */
export async function checkReachable(environment: BenchEnvironment, tenant: BenchTenant): Promise<void> {
  const url = `${environment.tenantUrl(tenant)}/ServiceProviderConfig`;
  const { status, detail } = await send(environment, tenant, { method: 'GET', path: '/ServiceProviderConfig' });
  if (status !== 200)
    throw new Error(
      `load: the SCIM service does not answer at ${url} (${status === 0 ? detail : `HTTP ${status}: ${detail}`}); is it running?`,
    );
}

/** Linux clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

/** CPU ms used so far by a process and its descendants (Linux /proc), or undefined elsewhere. */
function processTreeCpuMs(rootPid: number | undefined): number | undefined {
  if (rootPid === undefined) return undefined;
  try {
    const stats = new Map<number, { parent: number; ticks: number }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // Fields after the parenthesised command: state ppid … utime(14) stime(15), counted from 1.
        const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // The process ended while we listed /proc.
      }
    }
    const inTree = (pid: number): boolean =>
      pid === rootPid || (pid > 1 && stats.has(pid) && inTree(stats.get(pid)?.parent ?? 0));
    let ticks = 0;
    for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Open-loop load: request k of tenant t is due at start + (k + t/N) / rate, sent when due whether or
 * not earlier ones have answered, and its latency runs from the time it was due. A closed loop
 * (send, wait, send) slows down with the server and hides the queue ("coordinated omission").
 */
async function runStep(
  environment: BenchEnvironment,
  tenants: readonly LoadTenant[],
  seconds: number,
  stamp: string,
): Promise<LoadStep> {
  const perTenant = RATE_PER_TENANT * seconds;
  const schedule: Array<{ at: number; state: LoadTenant }> = [];
  for (let index = 0; index < tenants.length; index++) {
    for (let k = 0; k < perTenant; k++)
      schedule.push({
        at: ((k + index / tenants.length) * 1000) / RATE_PER_TENANT,
        state: tenants[index] as LoadTenant,
      });
  }
  schedule.sort((a, b) => a.at - b.at);
  const latencies: number[] = [];
  let errors = 0;
  let throttled = 0;
  const inFlight: Promise<void>[] = [];
  const cpuBefore = process.cpuUsage();
  const databaseCpuBefore = processTreeCpuMs(environment.database.process.pid);
  const start = performance.now() + 50;
  for (const { at, state } of schedule) {
    const due = start + at;
    const wait = due - performance.now();
    // Behind schedule, still yield now and then so answers are read while the backlog is sent.
    if (wait > 1) await sleep(wait);
    else if (inFlight.length % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    const { spec, expect, operation } = nextRequest(state, stamp);
    inFlight.push(
      send(environment, state.tenant, spec).then(({ status, detail }) => {
        latencies.push(performance.now() - due);
        if (status === 429 || status === 503) throttled++;
        else if (status !== expect) {
          errors++;
          if (errors <= 3)
            progress(`  load error: ${operation} ${spec.method} ${spec.path} → ${status || 'no answer'} ${detail}`);
        }
      }),
    );
  }
  await Promise.all(inFlight);
  const cpu = process.cpuUsage(cpuBefore);
  const databaseCpuAfter = processTreeCpuMs(environment.database.process.pid);
  const p99Ms = round(percentile(latencies, 99));
  return {
    tenants: tenants.length,
    seconds,
    requests: schedule.length,
    errors,
    throttled,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms,
    maxMs: round(Math.max(...latencies)),
    cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / schedule.length),
    dynamodbLocalCpuMsPerRequest:
      databaseCpuBefore === undefined || databaseCpuAfter === undefined
        ? null
        : round((databaseCpuAfter - databaseCpuBefore) / schedule.length),
    passed: errors === 0 && throttled === 0 && p99Ms < P99_LIMIT_MS,
  };
}

/**
 * Steps the number of tenants up (1, 2, 4, … doubling) until a step fails, then bisects between the
 * last passing and the first failing N while steps remain. `load` reports the step at
 * maxTenantsAt25rps (or the first step, when even one tenant fails).
 */
export async function runLoad(
  environment: BenchEnvironment,
  plan: LoadPlan,
): Promise<{ load: LoadFigures; steps: LoadStep[] }> {
  const stamp = Date.now().toString(36);
  const tenants: LoadTenant[] = [];
  const ensureTenants = async (count: number) => {
    while (tenants.length < count) {
      const tenant = await environment.createTenant(`load${tenants.length}`);
      const groupId = await environment.seedGroup(tenant, 'Load group');
      const users = await environment.seedUsers(tenant, POOL, { prefix: 'l' });
      tenants.push({
        tenant,
        users,
        groupId,
        next: 0,
        counters: { match: 0, createUser: 0, patchUser: 0, addMember: 0, removeMember: 0 },
      });
    }
  };
  await ensureTenants(1);
  await checkReachable(environment, (tenants[0] as LoadTenant).tenant);
  progress(
    `load: ${RATE_PER_TENANT} requests/s per tenant, ${plan.seconds} s per step, at most ${plan.maxSteps} steps`,
  );
  // Warm-up (not reported): module loads, tenant cache, JIT.
  await runStep(environment, tenants.slice(0, 1), 2, stamp);

  const steps: LoadStep[] = [];
  let passed = 0;
  let failed: number | undefined;
  let next = 1;
  while (steps.length < plan.maxSteps) {
    await ensureTenants(next);
    const step = await runStep(environment, tenants.slice(0, next), plan.seconds, stamp);
    steps.push(step);
    progress(
      `  ${next} tenants: ${step.requests} requests, ${step.errors} errors, ${step.throttled} throttled, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, CPU/request ${step.cpuMsPerRequest} ms node + ${step.dynamodbLocalCpuMsPerRequest ?? '?'} ms DynamoDB Local → ${step.passed ? 'pass' : 'fail'}`,
    );
    if (step.passed) passed = Math.max(passed, next);
    else failed = Math.min(failed ?? next, next);
    if (failed === undefined) {
      if (next >= plan.maxTenants) break;
      next = Math.min(next * 2, plan.maxTenants);
    } else if (failed - passed <= 1) break;
    else next = Math.floor((passed + failed) / 2);
  }
  const reported = steps.find((step) => step.tenants === passed) ?? (steps[0] as LoadStep);
  return {
    load: {
      tenants: reported.tenants,
      ratePerTenant: RATE_PER_TENANT,
      seconds: reported.seconds,
      requests: reported.requests,
      errors: reported.errors,
      throttled: reported.throttled,
      p50Ms: reported.p50Ms,
      p99Ms: reported.p99Ms,
      maxTenantsAt25rps: passed,
    },
    steps,
  };
}

/** Mix-weighted per-request figures of the Entra mix (bench/cost.ts ENTRA_MIX): the inputs of docs/performance.md "Capacity". */
export interface MixFigures {
  handlerCpuMs: number;
  dynamodbRequests: number;
  readUnits: number;
  writeUnits: number;
}

/** Averages the measured per-operation figures over the mix (shares sum to 1). */
export function mixFigures(
  operations: Readonly<Record<string, OperationFigures>>,
  mix: Readonly<Record<string, number>>,
): MixFigures {
  const weighted = (pick: (figures: OperationFigures) => number) =>
    round(
      Object.entries(mix).reduce(
        (sum, [operation, share]) => sum + share * pick(operations[operation] as OperationFigures),
        0,
      ),
      3,
    );
  return {
    handlerCpuMs: weighted((figures) => figures.cpuMs),
    dynamodbRequests: weighted((figures) => figures.requests),
    readUnits: weighted((figures) => figures.capacity.read),
    writeUnits: weighted((figures) => figures.capacity.write),
  };
}
