import type { BenchEnvironment } from './harness';
import { percentile, progress, round } from './harness';
import { getGroupCall, matchCall, measureDirect, measureHttp, membersCall, userNameOf, type Call } from './operations';

export const SCALED_OPERATIONS = [
  'matchUserName',
  'addOneMember',
  'removeOneMember',
  'getGroupWithoutMembers',
] as const;
type ScaledOperation = (typeof SCALED_OPERATIONS)[number];

export interface ScalingFigures {
  small: number;
  large: number;
  requests: { small: number; large: number; ratio: number };
  medianMs: { small: number; large: number; ratio: number };
}

interface Sample {
  requests: number[];
  ms: number[];
}

/**
 * The same calls on a tenant of `small` users (all in one group) and one of `large`: adding an
 * outsider to the group and removing it again keeps the group's size constant across calls.
 */
export async function measureScaling(
  environment: BenchEnvironment,
  options: { small: number; large: number; direct: number; http: number },
): Promise<Record<ScaledOperation, ScalingFigures>> {
  // Both tenants are seeded before either is measured, so the table is the same size for both and
  // the ratio reflects the tenant's size, not DynamoDB Local's table growing between the two.
  const seeded = [];
  for (const size of [options.small, options.large]) {
    const tenant = await environment.createTenant(`scale${size}`);
    progress(`scaling: seeding ${size} users, all members of one group, in ${tenant.tenantId}`);
    const started = Date.now();
    const groupId = await environment.seedGroup(tenant, `All Users ${size}`);
    await environment.seedUsers(tenant, size, { prefix: 'm', memberOf: groupId });
    const [outsider = ''] = await environment.seedUsers(tenant, 1, { prefix: 'o', existingUsers: size });
    progress(`  seeded in ${round((Date.now() - started) / 1000, 1)} s`);
    seeded.push({ size, tenant, groupId, outsider });
  }
  const measured = [];
  for (const { size, tenant, groupId, outsider } of seeded) {
    const calls: Record<ScaledOperation, (index: number) => Call> = {
      matchUserName: (index) => matchCall(userNameOf(tenant, 'm', (index * 7919) % size)),
      addOneMember: () => membersCall(groupId, 'Add', [outsider]),
      removeOneMember: () => membersCall(groupId, 'Remove', [outsider]),
      getGroupWithoutMembers: () => getGroupCall(groupId),
    };
    const sample = Object.fromEntries(
      SCALED_OPERATIONS.map((operation) => [operation, { requests: [], ms: [] } as Sample]),
    ) as Record<ScaledOperation, Sample>;
    // Warm the handlers' caches (tenant record, token key) for this tenant.
    await measureDirect(environment, tenant, calls.matchUserName(0));
    measured.push({ size, tenant, calls, sample });
  }
  // Small and large alternate call by call, so a busy moment on the machine hits both alike.
  for (let run = 0; run < options.direct + options.http; run++) {
    const direct = run < options.direct;
    for (const { tenant, calls, sample } of measured) {
      for (const operation of SCALED_OPERATIONS) {
        const call = calls[operation](run);
        if (direct) sample[operation].requests.push((await measureDirect(environment, tenant, call)).commands.length);
        else sample[operation].ms.push(await measureHttp(environment, tenant, call));
      }
    }
  }
  const samples: Record<number, Record<ScaledOperation, Sample>> = Object.fromEntries(
    measured.map(({ size, sample }) => [size, sample]),
  );
  const figures = {} as Record<ScaledOperation, ScalingFigures>;
  for (const operation of SCALED_OPERATIONS) {
    const small = samples[options.small]?.[operation] as Sample;
    const large = samples[options.large]?.[operation] as Sample;
    const requests = { small: percentile(small.requests, 50), large: percentile(large.requests, 50) };
    const medianMs = { small: round(percentile(small.ms, 50)), large: round(percentile(large.ms, 50)) };
    figures[operation] = {
      small: options.small,
      large: options.large,
      requests: { ...requests, ratio: round(requests.large / requests.small) },
      medianMs: { ...medianMs, ratio: round(medianMs.large / medianMs.small) },
    };
  }
  return figures;
}
