import { ScimError } from '../../scim/errors';
import { applyPatch, parsePatchRequest } from '../../scim/patch';
import type { ConnectorRecord } from '../../sync/connector';
import type { DeltaPage } from '../../sync/delta';
import { removedReason } from '../../sync/delta';
import { ResyncRequired, SyncError } from '../../sync/errors';
import { GROUP_SELECT, patchBody, userOperations, userSelect, type GraphObject } from '../../sync/mapping';
import {
  addCounts,
  newRunId,
  withErrors,
  ZERO_COUNTS,
  type GroupLink,
  type RunCounts,
  type RunError,
  type RunRecord,
  type UserLink,
} from '../../sync/run-record';
import { outOfScopeReason } from '../../sync/scope';
import type { TenantRecord } from '../../tenancy/tenant';
import { userTypeOfTenant } from '../profiles/tenant-schema';
import { LeaseLost, type GraphSource, type SyncDependencies } from './sync-ports';
import { SyncWriter } from './sync-writer';
import { ConnectorConflict } from '../writes/write-conflicts';

/**
 * How long a run holds its tenant's lease without checkpointing: longer than any page takes
 * (Graph's throttling waits are capped well below it), so only a dead run loses it.
 */
export const LEASE_MS = 15 * 60_000;

/** Links read per reconcile page (a BatchWrite holds 25; a page is a few of them). */
const RECONCILE_PAGE = 100;

/** Users of one page written at once: DynamoDB is not the bottleneck, and order within a page does not matter. */
const CONCURRENCY = 4;

const USER_TYPE = '#microsoft.graph.user';
const GROUP_TYPE = '#microsoft.graph.group';

/** Raised by startRun when the tenant has a run in progress. */
export class RunInProgress extends Error {
  constructor(readonly runId: string) {
    super(`A sync run (${runId}) is in progress for this tenant: wait for it ("sync status") before starting another.`);
    this.name = 'RunInProgress';
  }
}

async function forEachLimit<T>(items: readonly T[], limit: number, visit: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await visit(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One object per id, in first-seen order: later appearances' properties win; group member lists concatenate. */
export function mergeDuplicates(objects: readonly GraphObject[]): GraphObject[] {
  const merged = new Map<string, GraphObject>();
  for (const object of objects) {
    const earlier = merged.get(object.id);
    if (!earlier) {
      merged.set(object.id, object);
      continue;
    }
    const members = [
      ...((earlier['members@delta'] as unknown[]) ?? []),
      ...((object['members@delta'] as unknown[]) ?? []),
    ];
    const next: Record<string, unknown> = {
      ...earlier,
      ...object,
      ...(members.length > 0 ? { 'members@delta': members } : {}),
    };
    if (object['@removed'] === undefined) delete next['@removed'];
    merged.set(object.id, next as GraphObject);
  }
  return [...merged.values()];
}

function selected(object: GraphObject, properties: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    properties
      .filter((property) => property in object && property !== 'id')
      .map((property) => [property, object[property]]),
  );
}

interface Outcome {
  counts: Partial<RunCounts>;
  errors: RunError[];
}

/** What one run needs while it works: the tenant, the connector, Graph and the SCIM writer. */
class RunContext {
  readonly writer: SyncWriter;
  readonly select: string[];

  constructor(
    readonly deps: SyncDependencies,
    readonly tenant: TenantRecord,
    readonly connector: ConnectorRecord,
    readonly graph: GraphSource,
    runId: string,
  ) {
    this.writer = new SyncWriter(deps, tenant, `${deps.tenantUrlBase}/${tenant.tenantId}`, runId);
    this.select = userSelect(connector, tenant.profile ?? {});
  }

  get tenantId(): string {
    return this.tenant.tenantId;
  }

  now(): string {
    return this.deps.clock.now().toISOString();
  }

  error(code: RunError['code'], message: string): RunError {
    return { code, message, at: this.now() };
  }

  startUrl(run: RunRecord, kind: 'users' | 'groups'): string {
    const delta = run.full ? undefined : this.connector.delta?.[kind];
    if (delta) return delta;
    const select = kind === 'users' ? this.select : GROUP_SELECT;
    return `${this.connector.graphUrl}/v1.0/${kind}/delta?$select=${select.join(',')}`;
  }
}

/** Finds the SCIM user a Graph user already is: by externalId (the Graph id), else by userName. */
async function resolveUser(
  ctx: RunContext,
  link: UserLink,
): Promise<{ id: string; version: number; active: boolean } | undefined> {
  const upn = link.props?.userPrincipalName;
  const byExternalId = await ctx.deps.directory.findUserIds(ctx.tenantId, 'externalId', link.graphId);
  const ids =
    byExternalId.length > 0
      ? byExternalId
      : typeof upn === 'string'
        ? await ctx.deps.directory.findUserIds(ctx.tenantId, 'userName', upn)
        : [];
  if (ids.length === 0) return undefined;
  const user = await ctx.deps.directory.getUser(ctx.tenantId, ids[0] as string);
  return user ? { id: user.id, version: user.version, active: user.data.active !== false } : undefined;
}

interface UserWrite extends Outcome {
  link: UserLink;
  /** The user became an active SCIM user: add it to the groups it is a member of. */
  joined: boolean;
}

/**
 * Makes the SCIM user match a Graph user's last known properties and scope: creates it (in scope
 * only), patches it (the use case writes nothing when nothing changed), deactivates it on a scope
 * exit and reactivates it on a return (as Entra's provisioning does for scoping filters).
 */
async function writeUser(ctx: RunContext, link: UserLink, inScope: boolean): Promise<UserWrite> {
  if (!inScope && link.scimId === undefined)
    return { link: { ...link, inScope: false }, joined: false, counts: { skipped: 1 }, errors: [] };
  const operations = userOperations(link.props ?? {}, link.graphId, inScope, ctx.connector, ctx.tenant.profile ?? {});
  let known =
    link.scimId !== undefined
      ? { id: link.scimId, version: link.version ?? 0, active: link.active !== false }
      : undefined;
  try {
    if (known === undefined) {
      try {
        const type = userTypeOfTenant(ctx.tenant);
        const { data } = applyPatch({}, parsePatchRequest(patchBody(operations), type), type);
        const created = await ctx.writer.createUser(data);
        return {
          link: { ...link, scimId: created.id, version: created.version, active: true, inScope: true },
          joined: true,
          counts: { created: 1 },
          errors: [],
        };
      } catch (error) {
        // The userName is taken: a user SCIM created before the switch, or this sync's own write
        // whose link a crash lost. Adopt it (found by the Graph id, else by userName) and patch it.
        if (!(error instanceof ScimError && error.status === 409)) throw error;
        known = await resolveUser(ctx, link);
        if (known === undefined) throw error;
      }
    }
    const patched = await ctx.writer.patchUser(known.id, operations);
    if (!patched) {
      // Deleted behind the sync's back: write it again next time it is in scope.
      return writeUser(ctx, { ...link, scimId: undefined, version: undefined, active: undefined }, inScope);
    }
    const next: UserLink = { ...link, scimId: known.id, version: patched.version, active: inScope, inScope };
    if (!inScope)
      return { link: next, joined: false, counts: known.active ? { deactivated: 1 } : { skipped: 1 }, errors: [] };
    if (!known.active) return { link: next, joined: true, counts: { reactivated: 1 }, errors: [] };
    return {
      link: next,
      joined: link.scimId === undefined,
      counts: patched.version !== known.version ? { updated: 1 } : {},
      errors: [],
    };
  } catch (error) {
    if (error instanceof ScimError && error.status < 500) {
      const upn = String(link.props?.userPrincipalName ?? '');
      return {
        link,
        joined: false,
        counts: {},
        errors: [ctx.error('writeRefused', `User ${link.graphId} (${upn}) was not written: ${error.detail}`)],
      };
    }
    throw error;
  }
}

/** Adds users that joined to the SCIM groups of their Graph groups. */
async function joinGroups(ctx: RunContext, joined: readonly UserLink[]): Promise<Partial<RunCounts>> {
  const byGroup = new Map<string, string[]>();
  for (const link of joined) {
    for (const groupId of Object.keys(link.memberOf))
      byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), link.scimId as string]);
  }
  if (byGroup.size === 0) return {};
  const groups = await ctx.deps.sync.getGroupLinks(ctx.tenantId, [...byGroup.keys()]);
  let added = 0;
  for (const [groupId, members] of byGroup) {
    const scimId = groups.get(groupId)?.scimId;
    if (!scimId) continue;
    await ctx.writer.changeMembers(scimId, members, []);
    added += members.length;
  }
  return { membersAdded: added };
}

async function applyUserPage(ctx: RunContext, run: RunRecord, page: DeltaPage): Promise<RunRecord> {
  const objects = mergeDuplicates(page.value);
  const links = await ctx.deps.sync.getUserLinks(
    ctx.tenantId,
    objects.map((object) => object.id),
  );
  const scopeGroupIds = new Set(Object.keys(run.scopeGroups));
  const keep: UserLink[] = [];
  const drop: string[] = [];
  const joined: UserLink[] = [];
  let counts: RunCounts = run.counts;
  const errors: RunError[] = [];

  await forEachLimit(objects, CONCURRENCY, async (object) => {
    const link: UserLink = links.get(object.id) ?? { graphId: object.id, memberOf: {}, inScope: false };
    const removed = removedReason(object);
    if (removed === 'deleted') {
      if (link.scimId !== undefined && (await ctx.writer.deleteUser(link.scimId)))
        counts = addCounts(counts, { deleted: 1 });
      drop.push(object.id);
      return;
    }
    if (removed === 'changed') {
      // Soft-deleted in Entra (restorable for 30 days): deactivate, as Entra's provisioning does.
      const result = await writeUser(ctx, { ...link, softDeleted: true }, false);
      keep.push({ ...result.link, softDeleted: true });
      counts = addCounts(counts, result.counts.skipped ? {} : result.counts);
      errors.push(...result.errors);
      return;
    }
    const props = { ...link.props, ...selected(object, ctx.select) };
    const base: UserLink = { ...link, props, softDeleted: undefined, ...(run.full ? { seenRound: run.round } : {}) };
    const upn = props.userPrincipalName;
    if (typeof upn !== 'string' || upn.trim() === '') {
      keep.push({ ...base, inScope: false });
      errors.push(
        ctx.error(
          'missingUserPrincipalName',
          `Graph user ${object.id} has no userPrincipalName: not written (every user needs one; check that the app may read it).`,
        ),
      );
      return;
    }
    const inScope =
      outOfScopeReason(props, Object.keys(link.memberOf), ctx.connector.filters, scopeGroupIds) === undefined;
    const result = await writeUser(ctx, base, inScope);
    keep.push({ ...result.link, lastRun: run.runId });
    if (result.joined) joined.push(result.link);
    // Graph may send an object twice in one run: a second out-of-scope sighting is not another skip.
    counts = addCounts(counts, result.counts.skipped && link.lastRun === run.runId ? {} : result.counts);
    errors.push(...result.errors);
  });

  counts = addCounts(counts, await joinGroups(ctx, joined));
  await ctx.deps.sync.putLinks(ctx.tenantId, keep, []);
  await ctx.deps.sync.deleteLinks(ctx.tenantId, drop, []);
  return withErrors({ ...run, counts }, errors);
}

async function applyGroupPage(ctx: RunContext, run: RunRecord, page: DeltaPage): Promise<RunRecord> {
  const objects = mergeDuplicates(page.value);
  const members = objects.flatMap((object) =>
    ((object['members@delta'] as Array<Record<string, unknown>> | undefined) ?? []).filter(
      (member) => typeof member?.id === 'string',
    ),
  );
  const memberIds = (type: string) => [
    ...new Set(members.filter((member) => member['@odata.type'] === type).map((member) => member.id as string)),
  ];
  const groupLinks = await ctx.deps.sync.getGroupLinks(ctx.tenantId, [
    ...new Set([...objects.map((object) => object.id), ...memberIds(GROUP_TYPE)]),
  ]);
  const userLinks = await ctx.deps.sync.getUserLinks(ctx.tenantId, memberIds(USER_TYPE));
  const touchedUsers = new Map<string, UserLink>();
  const keepGroups: GroupLink[] = [];
  const dropGroups: string[] = [];
  const scopeGroups: Record<string, string> = { ...run.scopeGroups };
  const named = new Set(ctx.connector.filters.groups.map((name) => name.toLowerCase()));
  let counts = run.counts;
  const errors: RunError[] = [];

  for (const object of objects) {
    const link: GroupLink = groupLinks.get(object.id) ?? { graphId: object.id };
    if (removedReason(object) !== undefined) {
      if (link.scimId !== undefined && (await ctx.writer.deleteGroup(link.scimId)))
        counts = addCounts(counts, { groupsDeleted: 1 });
      dropGroups.push(object.id);
      groupLinks.delete(object.id);
      delete scopeGroups[object.id];
      continue;
    }
    const displayName =
      typeof object.displayName === 'string' && object.displayName !== '' ? object.displayName : link.displayName;
    if (displayName === undefined) {
      errors.push(
        ctx.error('graphPageInvalid', `Graph group ${object.id} arrived without a displayName: not written.`),
      );
      continue;
    }
    let scimId = link.scimId ?? (await ctx.deps.groups.findGroupIds(ctx.tenantId, 'externalId', object.id))[0];
    try {
      if (scimId !== undefined && link.displayName !== undefined && link.displayName !== displayName) {
        if (await ctx.writer.renameGroup(scimId, displayName)) counts = addCounts(counts, { groupsUpdated: 1 });
        else scimId = undefined;
      }
      if (scimId === undefined) {
        scimId = await ctx.writer.createGroup(displayName, object.id);
        counts = addCounts(counts, { groupsCreated: 1 });
      }
    } catch (error) {
      if (!(error instanceof ScimError) || error.status >= 500) throw error;
      errors.push(ctx.error('writeRefused', `Group ${object.id} (${displayName}) was not written: ${error.detail}`));
      continue;
    }
    const next: GroupLink = {
      graphId: object.id,
      scimId,
      displayName,
      ...(run.full ? { seenRound: run.round } : { seenRound: link.seenRound }),
    };
    groupLinks.set(object.id, next);
    keepGroups.push(next);
    if (named.has(displayName.toLowerCase())) scopeGroups[object.id] = displayName;
    else delete scopeGroups[object.id];

    const add: string[] = [];
    const remove: string[] = [];
    for (const member of (object['members@delta'] as Array<Record<string, unknown>> | undefined) ?? []) {
      const id = member?.id;
      if (typeof id !== 'string') continue;
      const gone = member['@removed'] !== undefined;
      if (member['@odata.type'] === USER_TYPE) {
        const user: UserLink = touchedUsers.get(id) ??
          userLinks.get(id) ?? { graphId: id, memberOf: {}, inScope: false };
        const memberOf = { ...user.memberOf };
        if (gone) delete memberOf[object.id];
        else memberOf[object.id] = run.round;
        touchedUsers.set(id, { ...user, memberOf });
        if (gone && user.scimId !== undefined) remove.push(user.scimId);
        else if (!gone && user.scimId !== undefined && user.inScope) add.push(user.scimId);
        else if (!gone) counts = addCounts(counts, { membersSkipped: 1 });
      } else if (member['@odata.type'] === GROUP_TYPE && groupLinks.get(id)?.scimId !== undefined && id !== object.id) {
        (gone ? remove : add).push(groupLinks.get(id)?.scimId as string);
      } else if (!gone) {
        // Devices, contacts, service principals, and groups the sync has not seen yet: no SCIM counterpart.
        counts = addCounts(counts, { membersSkipped: 1 });
      }
    }
    if (add.length > 0 || remove.length > 0) {
      await ctx.writer.changeMembers(scimId, add, remove);
      counts = addCounts(counts, { membersAdded: add.length, membersRemoved: remove.length });
    }
  }

  await ctx.deps.sync.putLinks(ctx.tenantId, [...touchedUsers.values()], keepGroups);
  await ctx.deps.sync.deleteLinks(ctx.tenantId, [], dropGroups);
  return withErrors({ ...run, counts, scopeGroups }, errors);
}

/**
 * The reconcile pass over every user link, after both delta rounds: scope flips that no user change
 * caused (a named group's membership, changed filters) are applied, and after a full pull users and
 * memberships it did not see are removed.
 */
async function reconcileUsers(ctx: RunContext, run: RunRecord): Promise<RunRecord> {
  const page = await ctx.deps.sync.listUserLinks(ctx.tenantId, RECONCILE_PAGE, run.cursor);
  const scopeGroupIds = new Set(Object.keys(run.scopeGroups));
  const keep: UserLink[] = [];
  const drop: string[] = [];
  const joined: UserLink[] = [];
  const leave = new Map<string, string[]>();
  let counts = run.counts;
  const errors: RunError[] = [];

  await forEachLimit(page.items, CONCURRENCY, async (link) => {
    if (run.full && link.seenRound !== run.round) {
      if (link.scimId !== undefined && (await ctx.writer.deleteUser(link.scimId)))
        counts = addCounts(counts, { deleted: 1 });
      drop.push(link.graphId);
      return;
    }
    let current = link;
    if (run.full) {
      const stale = Object.entries(link.memberOf)
        .filter(([, round]) => round !== run.round)
        .map(([groupId]) => groupId);
      if (stale.length > 0) {
        current = {
          ...link,
          memberOf: Object.fromEntries(Object.entries(link.memberOf).filter(([, round]) => round === run.round)),
        };
        if (link.scimId !== undefined)
          stale.forEach((groupId) => leave.set(groupId, [...(leave.get(groupId) ?? []), link.scimId as string]));
      }
    }
    if (current.props === undefined || current.softDeleted || typeof current.props.userPrincipalName !== 'string') {
      if (current !== link) keep.push(current);
      return;
    }
    const inScope =
      outOfScopeReason(current.props, Object.keys(current.memberOf), ctx.connector.filters, scopeGroupIds) ===
      undefined;
    if (inScope === current.inScope && (!inScope || current.active !== false)) {
      if (current !== link) keep.push(current);
      return;
    }
    const result = await writeUser(ctx, current, inScope);
    keep.push(result.link);
    if (result.joined) joined.push(result.link);
    counts = addCounts(counts, result.counts.skipped ? {} : result.counts);
    errors.push(...result.errors);
  });

  if (leave.size > 0) {
    const groups = await ctx.deps.sync.getGroupLinks(ctx.tenantId, [...leave.keys()]);
    for (const [groupId, members] of leave) {
      const scimId = groups.get(groupId)?.scimId;
      if (scimId === undefined) continue;
      await ctx.writer.changeMembers(scimId, [], members);
      counts = addCounts(counts, { membersRemoved: members.length });
    }
  }
  counts = addCounts(counts, await joinGroups(ctx, joined));
  await ctx.deps.sync.putLinks(ctx.tenantId, keep, []);
  await ctx.deps.sync.deleteLinks(ctx.tenantId, drop, []);
  const next = withErrors({ ...run, counts }, errors);
  if (page.cursor !== undefined) return { ...next, cursor: page.cursor };
  return { ...next, cursor: undefined, phase: run.full ? 'reconcileGroups' : 'done' };
}

/** After a full pull: groups it did not see are deleted. */
async function reconcileGroups(ctx: RunContext, run: RunRecord): Promise<RunRecord> {
  const page = await ctx.deps.sync.listGroupLinks(ctx.tenantId, RECONCILE_PAGE, run.cursor);
  const drop: string[] = [];
  let counts = run.counts;
  for (const link of page.items) {
    if (link.seenRound === run.round) continue;
    if (link.scimId !== undefined && (await ctx.writer.deleteGroup(link.scimId)))
      counts = addCounts(counts, { groupsDeleted: 1 });
    drop.push(link.graphId);
  }
  await ctx.deps.sync.deleteLinks(ctx.tenantId, [], drop);
  if (page.cursor !== undefined) return { ...run, counts, cursor: page.cursor };
  return { ...run, counts, cursor: undefined, phase: 'done' };
}

/** Starts the pull over from nothing (410 Gone, syncStateNotFound): what it does not see is removed at the end. */
function restartFull(ctx: RunContext, run: RunRecord, location: string | undefined): RunRecord {
  return {
    ...run,
    full: true,
    round: `${run.runId}-r${run.counts.resyncs + 1}`,
    phase: 'users',
    // Graph's Location restarts the collection that answered 410; a 410 on groups restarts users from scratch too.
    cursor: run.phase === 'users' ? location : undefined,
    deltaLinks: {},
    scopeGroups: {},
    deltaLinkAgeSeconds: undefined,
    counts: addCounts(run.counts, { resyncs: 1 }),
  };
}

/** One step: one Graph page, or one page of the reconcile pass. */
async function step(ctx: RunContext, run: RunRecord): Promise<RunRecord> {
  if (run.phase === 'reconcile') return reconcileUsers(ctx, run);
  if (run.phase === 'reconcileGroups') return reconcileGroups(ctx, run);
  if (run.phase === 'done') return run;
  const kind = run.phase;
  let page: DeltaPage;
  try {
    page = await ctx.graph.page(run.cursor ?? ctx.startUrl(run, kind));
  } catch (error) {
    if (error instanceof ResyncRequired) return restartFull(ctx, run, error.location);
    throw error;
  }
  const applied = kind === 'groups' ? await applyGroupPage(ctx, run, page) : await applyUserPage(ctx, run, page);
  const counted = { ...applied, counts: addCounts(applied.counts, { pages: 1 }) };
  if (page.nextLink !== undefined) return { ...counted, cursor: page.nextLink };
  return {
    ...counted,
    cursor: undefined,
    deltaLinks: { ...counted.deltaLinks, [kind]: page.deltaLink },
    phase: kind === 'users' ? 'groups' : 'reconcile',
  };
}

export interface SliceOptions {
  /** Epoch ms after which the slice checkpoints, hands the lease off and returns (a Lambda's remaining time); absent: run to the end. */
  readonly deadline?: number;
  /** Called after every checkpoint (the CLI's progress bar). */
  readonly onProgress?: (run: RunRecord) => void;
  /** Wall-clock reader for the deadline (the lease uses deps.clock). */
  readonly now?: () => number;
}

function failureOf(error: unknown): { code: RunError['code']; message: string } {
  if (error instanceof SyncError) return { code: error.code, message: error.message };
  return {
    code: 'graphError',
    message: `The run stopped on an unexpected error: ${(error as Error).message ?? String(error)}`,
  };
}

/**
 * Works on a run until it ends or the deadline passes: one page at a time, each followed by a
 * checkpoint in the table (so a slice that dies resumes at its last page; reprocessing a page writes
 * nothing new, as unchanged PATCHes commit nothing). A failure ends the run as `failed` with its
 * checkpoint; the next run of the tenant resumes from there. Throws LeaseLost when another slice or
 * run holds the tenant.
 */
export async function runSyncSlice(
  deps: SyncDependencies,
  tenantId: string,
  runId: string,
  options: SliceOptions = {},
): Promise<RunRecord> {
  const found = await deps.sync.getRun(tenantId, runId);
  if (!found) throw new SyncError('notConnected', `Run ${runId} of tenant "${tenantId}" does not exist.`);
  if (found.status === 'succeeded' || found.status === 'failed') return found;
  const holder = deps.ids.newId();
  const leaseUntil = () => new Date(deps.clock.now().getTime() + LEASE_MS).toISOString();
  if (!(await deps.sync.acquireLease(tenantId, runId, leaseUntil(), deps.clock.now().toISOString(), holder)))
    throw new LeaseLost(tenantId);
  const wallClock = options.now ?? (() => Date.now());
  let run: RunRecord = { ...found, status: 'running', updatedAt: deps.clock.now().toISOString() };
  try {
    const connector = await deps.sync.getConnector(tenantId);
    if (!connector)
      throw new SyncError('notConnected', `Tenant "${tenantId}" has no Graph connector: run "sync connect" first.`);
    const tenant = await deps.tenants.getTenant(tenantId);
    if (!tenant) throw new SyncError('notConnected', `Tenant "${tenantId}" does not exist.`);
    if (tenant.directorySource !== 'graph' || tenant.status !== 'connected') {
      throw new SyncError(
        'notConnected',
        `Tenant "${tenantId}" is not Graph-connected (it was disconnected or switched to SCIM): run "sync connect" to pull it again.`,
      );
    }
    const secret = await deps.secrets.get(tenantId);
    if (secret === undefined)
      throw new SyncError(
        'secretMissing',
        `No client secret is stored for tenant "${tenantId}": run "sync connect" again with --client-secret.`,
      );
    const graph = deps.graph(connector, secret);
    const ctx = new RunContext(deps, tenant, connector, graph, runId);
    await deps.sync.saveRun(run, { holder, until: leaseUntil() });
    while (run.phase !== 'done') {
      if (options.deadline !== undefined && wallClock() >= options.deadline) {
        await deps.sync.saveRun(run, { holder, until: leaseUntil(), handoff: true });
        return run;
      }
      const before = { ...graph.stats };
      const next = await step(ctx, run);
      run = {
        ...next,
        updatedAt: ctx.now(),
        counts: addCounts(next.counts, {
          graphRequests: graph.stats.requests - before.requests,
          throttled: graph.stats.throttled - before.throttled,
        }),
      };
      await deps.sync.saveRun(run, { holder, until: leaseUntil() });
      options.onProgress?.(run);
    }
    await finishConnector(deps, connector, run);
    run = {
      ...run,
      status: 'succeeded',
      finishedAt: deps.clock.now().toISOString(),
      updatedAt: deps.clock.now().toISOString(),
    };
    await deps.sync.saveRun(run, { holder });
    options.onProgress?.(run);
    return run;
  } catch (error) {
    if (error instanceof LeaseLost) throw error;
    const now = deps.clock.now().toISOString();
    run = withErrors({ ...run, status: 'failed', finishedAt: now, updatedAt: now }, [{ ...failureOf(error), at: now }]);
    await deps.sync.saveRun(run, { holder });
    options.onProgress?.(run);
    return run;
  }
}

/** Changes the connector, re-reading it on a concurrent change (`sync connect`, another tick); false when it is gone. */
export async function updateConnector(
  deps: SyncDependencies,
  tenantId: string,
  change: (current: ConnectorRecord) => Partial<ConnectorRecord>,
): Promise<boolean> {
  for (let attempt = 0; ; attempt += 1) {
    const current = await deps.sync.getConnector(tenantId);
    if (!current) return false;
    try {
      await deps.sync.putConnector({ ...current, ...change(current), version: current.version + 1 }, current.version);
      return true;
    } catch (error) {
      if (!(error instanceof ConnectorConflict) || attempt >= 4) throw error;
    }
  }
}

/** Commits a finished run's delta links and named groups to the connector. */
async function finishConnector(deps: SyncDependencies, connector: ConnectorRecord, run: RunRecord): Promise<void> {
  await updateConnector(deps, connector.tenantId, () => ({
    delta: { users: run.deltaLinks.users, groups: run.deltaLinks.groups, at: run.updatedAt },
    scopeGroups: run.scopeGroups,
  }));
}

/**
 * Queues a run for the tenant and reserves its lease. A run after a failed or abandoned one (its
 * lease expired mid-run) continues that one's checkpoint, so nothing committed is redone and
 * nothing is lost, unless the connector was connected again since.
 */
export async function startRun(
  deps: SyncDependencies,
  tenantId: string,
  trigger: RunRecord['trigger'],
): Promise<RunRecord> {
  const connector = await deps.sync.getConnector(tenantId);
  if (!connector)
    throw new SyncError('notConnected', `Tenant "${tenantId}" has no Graph connector: run "sync connect" first.`);
  const now = deps.clock.now();
  const lease = await deps.sync.getLease(tenantId);
  if (lease && Date.parse(lease.until) > now.getTime()) throw new RunInProgress(lease.runId);
  let [last] = await deps.sync.listRuns(tenantId, 1);
  if (last && (last.status === 'running' || last.status === 'queued')) {
    last = withErrors({ ...last, status: 'failed', finishedAt: now.toISOString(), updatedAt: now.toISOString() }, [
      {
        code: 'graphError',
        message:
          'The run stopped without finishing (its lease expired: a crash or a timeout); the next run continued it.',
        at: now.toISOString(),
      },
    ]);
    await deps.sync.putRun(last);
  }
  // `sync connect` since that run started (another Graph, secret or filters) starts afresh: its
  // checkpoint may be a link of the old Graph, which the client now refuses on every resume.
  const resume =
    last?.status === 'failed' && last.phase !== 'done' && Date.parse(connector.updatedAt) <= Date.parse(last.startedAt)
      ? last
      : undefined;
  const full = resume ? resume.full : !(connector.delta?.users && connector.delta.groups);
  const runId = newRunId(now, deps.ids.newId());
  const run: RunRecord = {
    tenantId,
    runId,
    trigger,
    status: 'queued',
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    full,
    round: resume?.round ?? runId,
    phase: resume?.phase ?? 'users',
    ...(resume?.cursor !== undefined ? { cursor: resume.cursor } : {}),
    deltaLinks: resume?.deltaLinks ?? {},
    scopeGroups: resume?.scopeGroups ?? (full ? {} : (connector.scopeGroups ?? {})),
    ...(!full && connector.delta?.at
      ? { deltaLinkAgeSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(connector.delta.at)) / 1000)) }
      : {}),
    ...(resume ? { resumedFrom: resume.runId } : {}),
    counts: ZERO_COUNTS,
    errors: [],
  };
  if (
    !(await deps.sync.acquireLease(
      tenantId,
      runId,
      new Date(now.getTime() + LEASE_MS).toISOString(),
      now.toISOString(),
    ))
  ) {
    throw new RunInProgress((await deps.sync.getLease(tenantId))?.runId ?? 'unknown');
  }
  await deps.sync.createRun(run);
  return run;
}
