import type { BenchEnvironment } from './harness';
import { percentile, progress, round } from './harness';
import { PATCH_OP } from './operations';

/** `hotGroup` in bench/results/latest.json (field names are a contract, issue "one write path"). */
export interface HotGroupFigures {
  concurrency: number;
  patches: number;
  membersPerPatch: number;
  /** Members the group held before the writers started. */
  existingMembers: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Is the final membership exactly the intended one? */
  exact: boolean;
}

/**
 * Concurrent writers of the "All Users" group: `concurrency` PATCHes adding `membersPerPatch` new
 * members each to a group that already holds `existing`, then as many concurrent PATCHes that each
 * remove one member and re-add another. Every request must be 2xx and the membership exact.
 */
export async function runHotGroup(
  environment: BenchEnvironment,
  options: { existing: number; concurrency: number; membersPerPatch: number },
): Promise<HotGroupFigures> {
  const tenant = await environment.createTenant('hot');
  const groupId = await environment.seedGroup(tenant, 'All Users');
  const existing = await environment.seedUsers(tenant, options.existing, { prefix: 'member', memberOf: groupId });
  const fresh = await environment.seedUsers(tenant, options.concurrency * options.membersPerPatch, {
    prefix: 'new',
    existingUsers: options.existing,
  });
  progress(
    `hotGroup: ${options.concurrency} writers × ${options.membersPerPatch} members into a group of ${options.existing}`,
  );
  const batches = Array.from({ length: options.concurrency }, (_unused, index) =>
    fresh.slice(index * options.membersPerPatch, (index + 1) * options.membersPerPatch),
  );
  const latencies: number[] = [];
  let errors = 0;
  const patch = async (operations: unknown[]) => {
    const response = await environment.http(tenant, {
      method: 'PATCH',
      path: `/Groups/${groupId}`,
      body: { schemas: [PATCH_OP], Operations: operations },
    });
    latencies.push(response.ms);
    if (response.status < 200 || response.status >= 300) {
      errors += 1;
      if (errors <= 5) progress(`  hotGroup error: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    }
  };
  await Promise.all(
    batches.map((batch) => patch([{ op: 'Add', path: 'members', value: batch.map((value) => ({ value })) }])),
  );
  // Each writer removes the first member it added and re-adds one of the existing members it removes first.
  await Promise.all(
    batches.map((batch, index) =>
      patch([
        { op: 'Remove', path: 'members', value: [{ value: batch[0] }, { value: existing[index] }] },
        { op: 'Add', path: 'members', value: [{ value: existing[index] }] },
      ]),
    ),
  );
  const intended = new Set([...existing, ...batches.flatMap((batch) => batch.slice(1))]);
  const stored = await environment.http(tenant, {
    method: 'GET',
    path: `/Groups/${groupId}`,
    query: { attributes: 'members' },
  });
  const members = new Set(((stored.body?.members ?? []) as { value: string }[]).map((member) => member.value));
  const exact = members.size === intended.size && [...intended].every((id) => members.has(id));
  return {
    concurrency: options.concurrency,
    patches: latencies.length,
    membersPerPatch: options.membersPerPatch,
    existingMembers: options.existing,
    errors,
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    exact,
  };
}
