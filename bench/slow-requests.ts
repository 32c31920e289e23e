/**
 * `npx tsx bench/slow-requests.ts [name filter]`: times request shapes the fuzz properties
 * (test/integration/fuzz.test.ts) generate, pushed to the service's limits (1 MiB bodies, 1,000
 * PATCH operations, 100 values per attribute, 10,000 members, filters of 100 comparisons), against
 * the local service on DynamoDB Local. Prints one line per shape (median of 3, status, body size,
 * the start of the answer) to stderr. A 4xx that takes over a second on a quiet machine is a defect:
 * the service should refuse it before doing the work (docs/security.md T11).
 */
import { BenchEnvironment, progress } from './harness';

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface Shape {
  readonly name: string;
  readonly method: string;
  readonly path: (ids: { user: string; group: string }) => string;
  readonly body?: () => unknown;
  readonly query?: string;
}

const patch = (operations: unknown[]) => ({ schemas: [PATCH_URN], Operations: operations });
const range = (count: number) => Array.from({ length: count }, (_unused, index) => index);
const orOf = (count: number, term: (index: number) => string) => range(count).map(term).join(' or ');

/** 1,000 PATCH operations, each adding `perOp` member ids no tenant has. */
const memberAdds = (perOp: number) =>
  patch(
    range(1000).map((i) => ({
      op: 'add',
      path: 'members',
      value: range(perOp).map((j) => ({ value: `m${i}-${j}` })),
    })),
  );

const SHAPES: Shape[] = [
  {
    name: 'PATCH user: 1,000 ops add emails [1 value]',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () =>
      patch(range(1000).map((i) => ({ op: 'add', path: 'emails', value: [{ value: `e${i}@x.org`, type: 'work' }] }))),
  },
  {
    name: 'PATCH user: 1,000 path-less adds {emails:[1 value]}',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () => patch(range(1000).map((i) => ({ op: 'add', value: { emails: [{ value: `e${i}@x.org` }] } }))),
  },
  {
    name: 'PATCH user: 250 ops add emails [100 values] (~1 MB)',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () =>
      patch(
        range(250).map((i) => ({
          op: 'add',
          path: 'emails',
          value: range(100).map((j) => ({ value: `e${i}-${j}@x.org` })),
        })),
      ),
  },
  {
    name: 'PATCH user: 1,000 ops add emails[value eq "eN"] (filtered upsert)',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () =>
      patch(range(1000).map((i) => ({ op: 'add', path: `emails[value eq "e${i}@x.org"].type`, value: 'work' }))),
  },
  {
    name: 'PATCH user: 1,000 ops replace emails[type eq "tN"] (filtered upsert, whole element)',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () =>
      patch(
        range(1000).map((i) => ({ op: 'replace', path: `emails[type eq "t${i}"]`, value: { value: `e${i}@x.org` } })),
      ),
  },
  {
    name: 'PATCH user: 240 ops, path filter of 100 comparisons each (~0.6 MB)',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () =>
      patch(
        range(240).map((i) => ({
          op: 'replace',
          path: `emails[${orOf(100, (j) => `value eq "v${i}-${j}"`)}].type`,
          value: 'work',
        })),
      ),
  },
  {
    name: 'PATCH user: 1,000 ops replace title with 2,049 chars',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () => patch(range(1000).map(() => ({ op: 'replace', path: 'title', value: 'x'.repeat(2049) }))),
  },
  {
    name: 'PATCH user: 1,000 ops add phoneNumbers + roles + emails [1 value] rotating',
    method: 'PATCH',
    path: (ids) => `/Users/${ids.user}`,
    body: () =>
      patch(
        range(1000).map((i) => ({
          op: 'add',
          path: ['emails', 'phoneNumbers', 'roles'][i % 3],
          value: [{ value: `v${i}` }],
        })),
      ),
  },
  {
    name: 'PATCH group: 1,000 ops add members [10 unknown ids]',
    method: 'PATCH',
    path: (ids) => `/Groups/${ids.group}`,
    body: () => memberAdds(10),
  },
  {
    name: 'PATCH group: 1,000 ops add members [11 unknown ids] (> 10,000)',
    method: 'PATCH',
    path: (ids) => `/Groups/${ids.group}`,
    body: () => memberAdds(11),
  },
  {
    name: 'PATCH group: 1,000 ops remove members[value eq …] 25 ids each',
    method: 'PATCH',
    path: (ids) => `/Groups/${ids.group}`,
    body: () =>
      patch(range(1000).map((i) => ({ op: 'remove', path: `members[${orOf(25, (j) => `value eq "r${i}-${j}"`)}]` }))),
  },
  {
    name: 'PATCH group: 1,000 ops remove members [20 ids]',
    method: 'PATCH',
    path: (ids) => `/Groups/${ids.group}`,
    body: () =>
      patch(
        range(1000).map((i) => ({
          op: 'remove',
          path: 'members',
          value: range(20).map((j) => ({ value: `r${i}-${j}` })),
        })),
      ),
  },
  {
    name: 'PUT group: 10,000 unknown members',
    method: 'PUT',
    path: (ids) => `/Groups/${ids.group}`,
    body: () => ({ schemas: [GROUP_URN], displayName: 'g', members: range(10_000).map((i) => ({ value: `m${i}` })) }),
  },
  {
    name: 'POST group: 10,000 unknown members',
    method: 'POST',
    path: () => `/Groups`,
    body: () => ({ schemas: [GROUP_URN], displayName: 'g2', members: range(10_000).map((i) => ({ value: `m${i}` })) }),
  },
  {
    name: 'POST user: 100 emails × 2,048 chars',
    method: 'POST',
    path: () => `/Users`,
    body: () => ({
      schemas: [USER_URN],
      userName: 'big',
      emails: range(100).map((i) => ({ value: `${i}${'v'.repeat(2040)}` })),
    }),
  },
  {
    name: 'PUT user: 150 emails × 2,100 chars',
    method: 'PUT',
    path: (ids) => `/Users/${ids.user}`,
    body: () => ({
      schemas: [USER_URN],
      userName: 'big',
      emails: range(150).map((i) => ({ value: `${i}${'v'.repeat(2100)}` })),
    }),
  },
  {
    name: 'PUT user: 100,000 emails (1 MB)',
    method: 'PUT',
    path: (ids) => `/Users/${ids.user}`,
    body: () => ({ schemas: [USER_URN], userName: 'big', emails: range(60_000).map((i) => ({ value: `${i}` })) }),
  },
  {
    name: 'POST user: 64-deep JSON',
    method: 'POST',
    path: () => `/Users`,
    body: () =>
      JSON.parse(`{"schemas":["${USER_URN}"],"userName":"deep","emails":${'['.repeat(62)}1${']'.repeat(62)}}`),
  },
  {
    name: 'GET users: filter of 100 co comparisons',
    method: 'GET',
    path: () => `/Users`,
    query: `filter=${encodeURIComponent(orOf(100, (j) => `emails.value co "x${j}"`))}`,
  },
  {
    name: 'GET users: filter 4,096 chars, depth 20',
    method: 'GET',
    path: () => `/Users`,
    query: `filter=${encodeURIComponent(`${'not ('.repeat(19)}userName eq "${'a'.repeat(3900)}"${')'.repeat(19)}`)}`,
  },
  {
    name: 'GET groups: members[value eq …] 100 or',
    method: 'GET',
    path: () => `/Groups`,
    query: `filter=${encodeURIComponent(orOf(100, (j) => `members[value eq "m${j}"]`))}`,
  },
];

interface Timed {
  readonly ms: number;
  readonly status: number;
  readonly bytes: number;
  readonly detail: string;
}

async function time(url: string, token: string, shape: Shape, ids: { user: string; group: string }): Promise<Timed> {
  const body = shape.body ? JSON.stringify(shape.body()) : undefined;
  const started = performance.now();
  const response = await fetch(`${url}${shape.path(ids)}${shape.query ? `?${shape.query}` : ''}`, {
    method: shape.method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    ...(body ? { body } : {}),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const detail = text.startsWith('{') ? String((JSON.parse(text) as { detail?: unknown }).detail ?? '') : text;
  return { ms, status: response.status, bytes: body?.length ?? 0, detail };
}

async function main() {
  const environment = await BenchEnvironment.start();
  const { tenantUrl, token } = environment.service;
  try {
    const create = async (path: string, body: unknown) => {
      const response = await fetch(`${tenantUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify(body),
      });
      return String(((await response.json()) as { id: string }).id);
    };
    const user = await create('/Users', {
      schemas: [USER_URN],
      userName: 'seed@x.org',
      emails: [{ value: 'seed@x.org', type: 'work' }],
    });
    const group = await create('/Groups', { schemas: [GROUP_URN], displayName: 'seeded', members: [{ value: user }] });
    const only = process.argv[2];
    for (const shape of SHAPES.filter(({ name }) => only === undefined || name.includes(only))) {
      const runs: Timed[] = [];
      for (let run = 0; run < 3; run++) runs.push(await time(tenantUrl, token, shape, { user, group }));
      const median = runs.map(({ ms }) => ms).sort((a, b) => a - b)[1] ?? 0;
      const { status, bytes, detail } = runs[2] as Timed;
      progress(
        `${Math.round(median).toString().padStart(6)} ms  ${status}  ${bytes.toString().padStart(8)} B  ${shape.name}  | ${detail.slice(0, 120)}`,
      );
    }
  } finally {
    await environment.stop();
  }
}

void main();
