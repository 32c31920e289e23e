import { buildEvent, type ChangeEvent } from '../../../events/catalog';
import { ScimError } from '../../../scim/errors';
import type { MemberDelta } from '../../../scim/patch';
import { changedAttributes } from '../../../scim/resources/changes';
import type { ScimObject } from '../../../scim/resources/normalize';
import { renderResource } from '../../../scim/resources/render';
import { GROUP_RESOURCE_TYPE } from '../../../scim/schema/attributes';
import { logEntryOfEvent } from '../../../tenancy/provisioning-log';
import type { Dependencies, MembershipWrite, StoredResource } from '../../ports';
import {
  chunkMemberChanges,
  isCommitFailure,
  type MemberChange,
  type MemberType,
  type PlannedTransaction,
  type Write,
} from '../../writes/write-plan';
import type { ScimRequest } from '../../request';

/** Member values a request may name at once (Entra batches memberships in one PATCH, entra §3). */
export const MAX_MEMBER_VALUES = 10_000;

/** Ids named by a create or PUT body's `members`, checked and de-duplicated. */
export function memberIdsOf(data: ScimObject): string[] {
  const members = data.members;
  if (members === undefined) return [];
  const ids = (Array.isArray(members) ? members : [members]).map((member: unknown, index) => {
    const value = (member as ScimObject | undefined)?.value;
    if (typeof value !== 'string' || value === '')
      throw ScimError.badRequest('invalidValue', `members[${index}].value must be the id of a user or group.`);
    return value;
  });
  return [...new Set(ids)];
}

/** Refuses a request that names more than MAX_MEMBER_VALUES members (adds and removes together), before any read. */
export function checkMemberCount(count: number): void {
  if (count > MAX_MEMBER_VALUES) {
    throw ScimError.badRequest(
      'invalidValue',
      `A request may name at most ${MAX_MEMBER_VALUES} members; send the rest in another request.`,
    );
  }
}

/**
 * Ids the first existence read asks about; each read after it asks about twice as many. A multiple of
 * BatchGetItem's 100 keys, so a request of valid ids costs no more batch reads than one read of all.
 */
const FIRST_EXISTENCE_READ = 100;

/**
 * Refuses members that are not users or groups of this tenant (a typo would otherwise dangle
 * forever); returns each member's type, which the commit's existence check needs. Ids are read in
 * doubling chunks and the first chunk with an unknown id ends the request: 10,000 unknown ids took
 * 10,000 reads (seconds) before their 400; now a 400 costs at most twice the reads of the ids named
 * before the first unknown one.
 */
export async function resolveMembers(
  request: ScimRequest,
  deps: Dependencies,
  ids: readonly string[],
  groupId: string,
): Promise<Map<string, MemberType>> {
  checkMemberCount(ids.length);
  if (ids.includes(groupId))
    throw ScimError.badRequest('invalidValue', `Group "${groupId}" cannot be a member of itself.`);
  const found = new Map<string, MemberType>();
  for (let start = 0, size = FIRST_EXISTENCE_READ; start < ids.length; start += size, size *= 2) {
    const chunk = ids.slice(start, start + size);
    const existing = await deps.groups.existingMembers(request.tenantId, chunk);
    const missing = chunk.filter((id) => !existing.has(id));
    if (missing.length > 0) {
      const shown = missing
        .slice(0, 5)
        .map((id) => `"${id}"`)
        .join(', ');
      const unchecked = ids.length - (start + chunk.length);
      throw ScimError.badRequest(
        'invalidValue',
        `members: no user or group with id ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} in this tenant${unchecked > 0 ? ` (the ${unchecked} named after them were not checked)` : ''}.`,
      );
    }
    for (const [id, type] of existing) found.set(id, type);
  }
  return found;
}

/**
 * Turns a member delta into the writes that change something: members to add that are not members
 * yet, members to remove that are. `present` holds what is known of the named ids (for a replace-all
 * the whole member list is read: O(group)).
 */
export async function membershipWrites(
  request: ScimRequest,
  deps: Dependencies,
  groupId: string,
  delta: MemberDelta | undefined,
  present?: ReadonlySet<string>,
): Promise<MembershipWrite> {
  if (!delta) return { add: [], remove: [] };
  if (delta.replaceAll) {
    const target = new Set(delta.replaceAll);
    const current = new Set(await deps.groups.listMembers(request.tenantId, groupId, Number.MAX_SAFE_INTEGER));
    return { add: [...target].filter((id) => !current.has(id)), remove: [...current].filter((id) => !target.has(id)) };
  }
  const known =
    present ?? (await deps.groups.presentMembers(request.tenantId, groupId, [...delta.add, ...delta.remove]));
  return { add: delta.add.filter((id) => !known.has(id)), remove: delta.remove.filter((id) => known.has(id)) };
}

/** What a group change is: its new attributes and the membership writes that change something. */
export interface GroupChange {
  readonly before: StoredResource;
  readonly data: ScimObject;
  readonly members: MembershipWrite;
  readonly memberTypes: ReadonlyMap<string, MemberType>;
}

/** Where the change's events point and who made it. */
export interface ChangeContext {
  readonly tenantId: string;
  readonly requestId: string;
  readonly tenantUrl: string;
  readonly now: string;
}

/** One transaction of a group change: the attributes (first one only, when they changed) and/or a chunk of member changes. */
export interface GroupStage {
  readonly withAttributes: boolean;
  readonly chunk: readonly MemberChange[];
}

/**
 * How a group change splits into transactions (pure): the attribute change rides with the first
 * chunk of member changes; an added member costs two items (write-plan.ts), so chunks stay in
 * DynamoDB's 100-item limit. Empty when nothing changes.
 */
export function groupStages(change: GroupChange): GroupStage[] {
  const attributes = changedAttributes(change.before.data, change.data, GROUP_RESOURCE_TYPE).length > 0;
  const changes: MemberChange[] = [
    ...change.members.add.map((memberId) => ({ memberId, add: true })),
    ...change.members.remove.map((memberId) => ({ memberId, add: false })),
  ];
  const chunks = chunkMemberChanges(changes, attributes ? 1 : 0);
  if (attributes && chunks.length === 0) chunks.push([]);
  return chunks.map((chunk, index) => ({ withAttributes: attributes && index === 0, chunk }));
}

/**
 * The transaction of one stage at `version` (pure). With the attributes it is conditional on the
 * version read and writes the group item as `version`; a membership-only stage never touches the
 * group item (its version was reserved), so concurrent membership writers do not conflict
 * (docs/data-model.md "Write path"). `Group Members Added` / `Removed` list exactly the members this
 * transaction changes, and every added member's existence is part of its condition.
 */
export function groupStageTransaction(
  context: ChangeContext,
  change: GroupChange,
  stage: GroupStage,
  version: number,
): PlannedTransaction {
  const { before, data } = change;
  const base = {
    tenantId: context.tenantId,
    resourceType: 'Group' as const,
    resourceId: before.id,
    occurredAt: context.now,
    requestId: context.requestId,
  };
  const group: StoredResource = { ...before, version, lastModified: context.now, data };
  const snapshot = renderResource(GROUP_RESOURCE_TYPE, group, data, context.tenantUrl);
  const events: ChangeEvent[] = [];
  const writes: Write[] = [];
  if (stage.withAttributes) {
    const changed = changedAttributes(before.data, data, GROUP_RESOURCE_TYPE);
    writes.push({
      type: 'putResource',
      resourceType: 'Group',
      resource: group,
      expected: { kind: 'version', version: before.version },
    });
    const previous = Object.fromEntries(
      changed.filter((name) => before.data[name] !== undefined).map((name) => [name, before.data[name]]),
    );
    events.push(
      buildEvent({ ...base, detailType: 'Group Updated', version, changedAttributes: changed, previous, snapshot }),
    );
  }
  const added = stage.chunk.filter((item) => item.add).map((item) => item.memberId);
  const removed = stage.chunk.filter((item) => !item.add).map((item) => item.memberId);
  for (const memberId of added) {
    writes.push({ type: 'memberExists', memberType: change.memberTypes.get(memberId) ?? 'User', memberId });
    writes.push({ type: 'addMember', groupId: before.id, memberId, rev: version });
  }
  for (const memberId of removed) writes.push({ type: 'removeMember', groupId: before.id, memberId, rev: version });
  if (added.length > 0)
    events.push(
      buildEvent({
        ...base,
        detailType: 'Group Members Added',
        version,
        changedAttributes: ['members'],
        snapshot,
        members: { added, removed: [] },
      }),
    );
  if (removed.length > 0)
    events.push(
      buildEvent({
        ...base,
        detailType: 'Group Members Removed',
        version,
        changedAttributes: ['members'],
        snapshot,
        members: { added: [], removed },
      }),
    );
  writes.push(...events.map((event): Write => ({ type: 'event', event })));
  const first = events[0];
  if (first) writes.push({ type: 'log', entry: logEntryOfEvent(first) });
  return { writes };
}

/**
 * Versions one request reserved and has not used yet. A retry after a transaction conflict (nothing
 * about its members changed) reuses them instead of reserving more, so a request that keeps failing
 * moves the group's version once at most; a membership that changed meanwhile discards them (a newer
 * change of that member needs a newer version).
 */
export class HeldVersions {
  private held: { readonly first: number; readonly count: number } | undefined;

  /** Is `version` the last one this request holds, i.e. nobody else changed the group since? */
  isOwn(version: number): boolean {
    return this.held !== undefined && this.held.first + this.held.count - 1 === version;
  }

  take(count: number): number | undefined {
    return this.held?.count === count ? this.held.first : undefined;
  }

  settle(first: number, count: number, failure: unknown): void {
    this.held = isCommitFailure(failure, 'transactionConflict', 'throttled', 'unavailable')
      ? { first, count }
      : undefined;
  }
}

/**
 * Writes a group change: the attribute transaction first (conditional on the version read), then
 * versions reserved for the membership transactions, then those. Nothing is written, and no version
 * used, when nothing changes. `expectedVersion` (If-Match) makes the reservation fail on a stale
 * group. Returns the group as stored.
 */
export async function saveGroup(
  request: ScimRequest,
  deps: Dependencies,
  change: GroupChange,
  expectedVersion?: number,
  held = new HeldVersions(),
): Promise<StoredResource> {
  const stages = groupStages(change);
  if (stages.length === 0) return change.before;
  const context: ChangeContext = {
    tenantId: request.tenantId,
    requestId: request.requestId,
    tenantUrl: request.tenantUrl,
    now: deps.clock.now().toISOString(),
  };
  const commit = (transactions: PlannedTransaction[]) =>
    deps.writes.commit({ tenantId: request.tenantId, transactions });
  let rest = stages;
  let version = change.before.version;
  const head = stages[0];
  if (head?.withAttributes) {
    version += 1;
    await commit([groupStageTransaction(context, change, head, version)]);
    rest = stages.slice(1);
  }
  if (rest.length > 0) {
    const first =
      held.take(rest.length) ??
      (await deps.writes.reserveVersions(
        request.tenantId,
        change.before.id,
        rest.length,
        context.now,
        head?.withAttributes ? undefined : expectedVersion,
      ));
    try {
      await commit(rest.map((stage, index) => groupStageTransaction(context, change, stage, first + index)));
      held.settle(first, rest.length, undefined);
    } catch (error) {
      held.settle(first, rest.length, error);
      throw error;
    }
    version = first + rest.length - 1;
  }
  return { ...change.before, version, lastModified: context.now, data: change.data };
}
