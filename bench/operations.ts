import type { OperationName } from '../lambdas/contracts/routes';
import type { BenchEnvironment, BenchTenant, ScimRequestSpec, SentCommand } from './harness';
import { percentile, progress, round } from './harness';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * The SCIM operations the bench measures, named as in the JSON (`dynamodbRequests.<operation>`),
 * each with whether it writes (a write publishes change events: bench/cost.ts prices them).
 */
const MEASURED = {
  createUser: 'write',
  getUser: 'read',
  matchUserName: 'read',
  patchUser: 'write',
  deactivateUser: 'write',
  deleteUser: 'write',
  createGroup: 'write',
  addOneMember: 'write',
  addHundredMembers: 'write',
  removeOneMember: 'write',
  getGroupWithoutMembers: 'read',
  listUsersPage: 'read',
} as const;

export const MEASURED_OPERATIONS = Object.keys(MEASURED) as Array<keyof typeof MEASURED>;

/** Does the measured operation write (and so publish change events)? */
export function isWriteOperation(operation: MeasuredOperation): boolean {
  return MEASURED[operation] === 'write';
}

export type MeasuredOperation = keyof typeof MEASURED;

/** A call as Entra sends it: the route it hits, its request, and the path parameters. */
export interface Call {
  readonly route: OperationName;
  readonly spec: ScimRequestSpec;
  readonly pathParameters?: Record<string, string>;
  /** Status that counts as success. */
  readonly expect: number;
}

export const userNameOf = (tenant: BenchTenant, prefix: string, index: number) =>
  `${prefix}${index}@${tenant.tenantId}.example`;

export const matchCall = (userName: string): Call => ({
  route: 'listUsers',
  spec: { method: 'GET', path: '/Users', query: { filter: `userName eq "${userName}"` } },
  expect: 200,
});
export const membersCall = (groupId: string, op: 'Add' | 'Remove', memberIds: readonly string[]): Call => ({
  route: 'patchGroup',
  spec: {
    method: 'PATCH',
    path: `/Groups/${groupId}`,
    body: {
      schemas: [PATCH_OP],
      Operations: [{ op, path: 'members', value: memberIds.map((value) => ({ $ref: null, value })) }],
    },
  },
  pathParameters: { id: groupId },
  expect: 204,
});
export const getGroupCall = (groupId: string): Call => ({
  route: 'getGroup',
  spec: { method: 'GET', path: `/Groups/${groupId}`, query: { excludedAttributes: 'members' } },
  pathParameters: { id: groupId },
  expect: 200,
});

export const newUserBody = (userName: string, externalId: string) => ({
  schemas: [USER_SCHEMA],
  userName,
  externalId,
  active: true,
  displayName: userName.split('@')[0],
  name: { givenName: 'New', familyName: externalId },
  emails: [{ type: 'work', primary: true, value: userName }],
});

export interface OperationFigures {
  requests: number;
  commands: Record<string, number>;
  capacity: { read: number; write: number };
  cpuMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Commands counted by name, e.g. `{ GetItemCommand: 1, TransactWriteItemsCommand: 1 }`. */
export function countByName(commands: readonly SentCommand[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const command of commands) counts[command.name] = (counts[command.name] ?? 0) + 1;
  return counts;
}

/** Calls the handler directly: DynamoDB commands, capacity and the handler's CPU time. */
export async function measureDirect(environment: BenchEnvironment, tenant: BenchTenant, call: Call) {
  let cpu = 0;
  const { result, commands } = await environment.record(async () => {
    const before = process.cpuUsage();
    const response = await environment.invoke(tenant, call.route, call.spec, call.pathParameters);
    const used = process.cpuUsage(before);
    cpu = (used.user + used.system) / 1000;
    return response;
  });
  if (result.statusCode !== call.expect)
    throw new Error(
      `${call.spec.method} ${call.spec.path} answered ${result.statusCode}, expected ${call.expect}: ${result.body}`,
    );
  return { commands, cpuMs: cpu };
}

export async function measureHttp(environment: BenchEnvironment, tenant: BenchTenant, call: Call): Promise<number> {
  const { status, body, ms } = await environment.http(tenant, call.spec);
  if (status !== call.expect)
    throw new Error(
      `HTTP ${call.spec.method} ${call.spec.path} answered ${status}, expected ${call.expect}: ${JSON.stringify(body)}`,
    );
  return ms;
}

const median = (values: readonly number[]) => percentile(values, 50);

/**
 * Every measured operation on a small tenant: a warm-up call, `direct` handler calls (requests,
 * capacity, CPU) and `http` calls through the local server (p50/p99). Operations that consume a
 * resource (delete, deactivate, add) get a fresh one each call, seeded beforehand with BatchWrite.
 */
export async function measureOperations(
  environment: BenchEnvironment,
  options: { direct: number; http: number; hundredCalls: number },
): Promise<Record<MeasuredOperation, OperationFigures>> {
  const tenant = await environment.createTenant('ops');
  const perOperation = options.direct + options.http + 1;
  const hundredRuns = options.hundredCalls + Math.min(options.direct, 5) + 1;
  const poolSize = 100 + 3 * perOperation + 100 * hundredRuns;
  progress(`operations: seeding ${poolSize} users and 2 groups in tenant ${tenant.tenantId}`);
  const addGroup = await environment.seedGroup(tenant, 'Add target');
  const removeGroup = await environment.seedGroup(tenant, 'Remove target');
  const pool = await environment.seedUsers(tenant, poolSize, { prefix: 'p' });
  const members = await environment.seedUsers(tenant, perOperation + 10, {
    prefix: 'm',
    memberOf: removeGroup,
    existingUsers: poolSize,
  });
  let next = 100;
  const take = (count: number) => {
    const taken = pool.slice(next, next + count);
    next += count;
    return taken;
  };
  let removed = 0;
  const stamp = Date.now().toString(36);
  const calls: Record<MeasuredOperation, (index: number) => Call> = {
    createUser: (index) => ({
      route: 'createUser',
      spec: {
        method: 'POST',
        path: '/Users',
        body: newUserBody(`new${index}-${stamp}@${tenant.tenantId}.example`, `new${index}`),
      },
      expect: 201,
    }),
    getUser: (index) => ({
      route: 'getUser',
      spec: { method: 'GET', path: `/Users/${pool[index % 100]}` },
      pathParameters: { id: String(pool[index % 100]) },
      expect: 200,
    }),
    matchUserName: (index) => matchCall(userNameOf(tenant, 'p', index % 100).toUpperCase()),
    patchUser: (index) => ({
      route: 'patchUser',
      spec: {
        method: 'PATCH',
        path: `/Users/${pool[index % 100]}`,
        body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: `Title ${index}` }] },
      },
      pathParameters: { id: String(pool[index % 100]) },
      expect: 200,
    }),
    deactivateUser: () => {
      const [id = ''] = take(1);
      return {
        route: 'patchUser',
        spec: {
          method: 'PATCH',
          path: `/Users/${id}`,
          body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
        },
        pathParameters: { id },
        expect: 200,
      };
    },
    deleteUser: () => {
      const [id = ''] = take(1);
      return {
        route: 'deleteUser',
        spec: { method: 'DELETE', path: `/Users/${id}` },
        pathParameters: { id },
        expect: 204,
      };
    },
    createGroup: (index) => ({
      route: 'createGroup',
      spec: {
        method: 'POST',
        path: '/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: `Group ${index} ${stamp}`, externalId: `g${index}-${stamp}` },
      },
      expect: 201,
    }),
    addOneMember: () => membersCall(addGroup, 'Add', take(1)),
    addHundredMembers: () => membersCall(addGroup, 'Add', take(100)),
    removeOneMember: () => membersCall(removeGroup, 'Remove', [members[removed++] as string]),
    getGroupWithoutMembers: () => getGroupCall(removeGroup),
    listUsersPage: () => ({
      route: 'listUsers',
      spec: { method: 'GET', path: '/Users', query: { startIndex: '1', count: '100' } },
      expect: 200,
    }),
  };

  const figures = {} as Record<MeasuredOperation, OperationFigures>;
  for (const operation of MEASURED_OPERATIONS) {
    const hundred = operation === 'addHundredMembers';
    const directRuns = hundred ? Math.min(options.direct, 5) : options.direct;
    const httpRuns = hundred ? options.hundredCalls : options.http;
    const make = calls[operation];
    let index = 0;
    await measureDirect(environment, tenant, make(index++));
    const direct = [];
    for (let run = 0; run < directRuns; run++) direct.push(await measureDirect(environment, tenant, make(index++)));
    const latencies = [];
    for (let run = 0; run < httpRuns; run++) latencies.push(await measureHttp(environment, tenant, make(index++)));
    const last = direct[direct.length - 1];
    figures[operation] = {
      requests: median(direct.map((run) => run.commands.length)),
      commands: countByName(last?.commands ?? []),
      capacity: {
        read: round(
          direct.reduce(
            (sum, run) => sum + run.commands.reduce((total, command) => total + command.capacity.read, 0),
            0,
          ) / direct.length,
        ),
        write: round(
          direct.reduce(
            (sum, run) => sum + run.commands.reduce((total, command) => total + command.capacity.write, 0),
            0,
          ) / direct.length,
        ),
      },
      cpuMs: round(median(direct.map((run) => run.cpuMs))),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
    };
    progress(`  ${operation}: ${figures[operation].requests} requests, p50 ${figures[operation].p50Ms} ms`);
  }
  return figures;
}
