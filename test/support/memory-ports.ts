import type { ChangeEvent } from '../../lambdas/events/catalog';
import type {
  Dependencies,
  DirectoryStore,
  GroupStore,
  GuardAction,
  GuardState,
  GuardStore,
  HeldPage,
  PageStart,
  ResourcePage,
  StoredResource,
  WriteStore,
} from '../../lambdas/operations/ports';
import type { ScimRequest } from '../../lambdas/operations/request';
import {
  CommitFailure,
  type Expected,
  type HeldChange,
  type MemberType,
  type PlannedTransaction,
  type Write,
  type WritePlan,
} from '../../lambdas/operations/writes/write-plan';
import {
  DEFAULT_GUARD_SETTINGS,
  windowIndexOf,
  type GuardSettings,
  type Hold,
  type RemovalWindow,
} from '../../lambdas/tenancy/removal-guard';
import { foldCase } from '../../lambdas/scim/resources/fold-case';
import type { LogEntry } from '../../lambdas/tenancy/provisioning-log';

interface Membership {
  readonly present: boolean;
  readonly rev: number;
}

/** A stored user or group at version 1 (created `c`, last modified `m`) unless `extra` says otherwise. */
export function storedResource(
  id: string,
  data: StoredResource['data'],
  extra: Partial<StoredResource> = {},
): StoredResource {
  return { id, version: 1, created: 'c', lastModified: 'm', data, ...extra };
}

/**
 * The storage ports in memory, with the same conditions the DynamoDB adapter writes (one tenant):
 * for use-case tests that run without Java. `failNext` makes the next commit fail as told, to
 * exercise the use cases' handling of each typed failure.
 */
export class MemoryPorts implements DirectoryStore, GroupStore, WriteStore {
  readonly users = new Map<string, StoredResource>();
  readonly groups = new Map<string, StoredResource>();
  readonly userNames = new Map<string, string>();
  readonly memberships = new Map<string, Map<string, Membership>>();
  readonly counts = { User: 0, Group: 0 };
  readonly events: ChangeEvent[] = [];
  /** Changes held by the removal guard, by their row key (time, resource, version). */
  readonly held = new Map<string, HeldChange>();
  readonly guard = new MemoryGuard(this);
  readonly log: LogEntry[] = [];
  /** Every transaction committed, as planned. */
  readonly committed: PlannedTransaction[] = [];
  readonly failures: CommitFailure[] = [];
  private nextId = 1;

  /** The next commit (or version reservation) throws this. */
  failNext(failure: CommitFailure): void {
    this.failures.push(failure);
  }

  deps(now = '2026-12-01T10:00:00.000Z'): Dependencies {
    return {
      directory: this,
      groups: this,
      writes: this,
      guard: this.guard,
      tenants: undefined as never,
      log: { append: async (entry: LogEntry) => void this.log.push(entry), list: async () => [] },
      tokenKeys: { getKeyRing: () => Promise.reject(new Error('not used by use cases')) },
      clock: { now: () => new Date(now) },
      ids: { newId: () => `id-${String(this.nextId++).padStart(4, '0')}` },
    };
  }

  seedUser(id: string, userName: string, extra: Partial<StoredResource> = {}): StoredResource {
    const user = storedResource(id, { userName, active: true }, extra);
    this.users.set(id, user);
    this.userNames.set(foldCase(userName), id);
    this.counts.User += 1;
    return user;
  }

  seedGroup(id: string, displayName: string, members: readonly string[] = []): StoredResource {
    const group = storedResource(id, { displayName });
    this.groups.set(id, group);
    this.memberships.set(id, new Map(members.map((member) => [member, { present: true, rev: 1 }])));
    this.counts.Group += 1;
    return group;
  }

  membersOf(groupId: string): string[] {
    return [...(this.memberships.get(groupId) ?? new Map<string, Membership>()).entries()]
      .filter(([, membership]) => membership.present)
      .map(([id]) => id)
      .sort();
  }

  // DirectoryStore
  async getUser(_tenantId: string, id: string) {
    return this.users.get(id);
  }
  async getUsers(_tenantId: string, ids: readonly string[]) {
    return ids.flatMap((id) => this.users.get(id) ?? []);
  }
  async findUserIds(_tenantId: string, key: string, value: string) {
    if (key === 'userName')
      return this.userNames.has(foldCase(value)) ? [this.userNames.get(foldCase(value)) as string] : [];
    return [...this.users.values()].filter((user) => user.data.externalId === value).map((user) => user.id);
  }
  async listUsers(_tenantId: string, _start: PageStart, limit: number): Promise<ResourcePage> {
    return { items: [...this.users.values()].slice(0, limit) };
  }
  async countResources(_tenantId: string, resourceType: MemberType) {
    return this.counts[resourceType];
  }

  // GroupStore
  async getGroup(_tenantId: string, id: string) {
    return this.groups.get(id);
  }
  async getGroups(_tenantId: string, ids: readonly string[]) {
    return ids.flatMap((id) => this.groups.get(id) ?? []);
  }
  async findGroupIds(_tenantId: string, _key: string, value: string) {
    return [...this.groups.values()]
      .filter((group) => group.data.displayName === value || group.data.externalId === value)
      .map((group) => group.id);
  }
  async listGroups(_tenantId: string, _start: PageStart, limit: number): Promise<ResourcePage> {
    return { items: [...this.groups.values()].slice(0, limit) };
  }
  async listMembers(_tenantId: string, groupId: string, limit: number) {
    return this.membersOf(groupId).slice(0, limit);
  }
  async presentMembers(_tenantId: string, groupId: string, ids: readonly string[]) {
    const members = new Set(this.membersOf(groupId));
    return new Set(ids.filter((id) => members.has(id)));
  }
  async getGroupWithMembership(tenantId: string, groupId: string, ids: readonly string[]) {
    const group = this.groups.get(groupId);
    return { ...(group ? { group } : {}), present: await this.presentMembers(tenantId, groupId, ids) };
  }
  async groupsOf(_tenantId: string, memberId: string) {
    return [...this.memberships.entries()]
      .filter(([, members]) => members.get(memberId)?.present)
      .map(([groupId]) => groupId);
  }
  async existingMembers(_tenantId: string, ids: readonly string[]) {
    const found = new Map<string, MemberType>();
    for (const id of ids) {
      if (this.users.get(id) && !this.users.get(id)?.deleting) found.set(id, 'User');
      else if (this.groups.get(id) && !this.groups.get(id)?.deleting) found.set(id, 'Group');
    }
    return found;
  }

  // WriteStore
  async commit(plan: WritePlan): Promise<void> {
    for (const [index, transaction] of plan.transactions.entries()) {
      const injected = this.failures.shift();
      if (injected) throw injected;
      if (transaction.writes.length > 100)
        throw new Error(`a transaction of ${transaction.writes.length} items exceeds DynamoDB's 100`);
      const failed = transaction.writes.find((write) => !this.holds(write));
      if (failed)
        throw new CommitFailure(this.reasonOf(failed), `condition of ${failed.type} failed`, {
          write: failed,
          transaction: index,
        });
      for (const write of transaction.writes) this.apply(write);
      this.committed.push(transaction);
    }
  }

  async reserveVersions(
    _tenantId: string,
    groupId: string,
    count: number,
    at: string,
    expectedVersion?: number,
  ): Promise<number> {
    const injected = this.failures.shift();
    if (injected) throw injected;
    const group = this.groups.get(groupId);
    if (!group || group.deleting) throw new CommitFailure('notFound', 'gone');
    if (expectedVersion !== undefined && group.version !== expectedVersion)
      throw new CommitFailure('versionConflict', 'stale');
    this.groups.set(groupId, { ...group, version: group.version + count, lastModified: at });
    return group.version + 1;
  }

  async beginDelete(
    _tenantId: string,
    resourceType: MemberType,
    id: string,
    expectedVersion?: number,
  ): Promise<StoredResource> {
    const store = resourceType === 'User' ? this.users : this.groups;
    const resource = store.get(id);
    if (!resource) throw new CommitFailure('notFound', 'gone');
    if (expectedVersion !== undefined && (resource.version !== expectedVersion || resource.deleting))
      throw new CommitFailure('versionConflict', 'stale');
    const marked: StoredResource = { ...resource, version: resource.version + 1, deleting: true };
    store.set(id, marked);
    return marked;
  }

  async sweepMemberships(
    _tenantId: string,
    target: { readonly memberId: string } | { readonly groupId: string },
  ): Promise<void> {
    if ('groupId' in target) this.memberships.set(target.groupId, new Map());
    else for (const members of this.memberships.values()) members.delete(target.memberId);
  }

  private holds(write: Write): boolean {
    const expect = (resource: StoredResource | undefined, expected: Expected) =>
      expected.kind === 'absent'
        ? !resource
        : expected.kind === 'deleting'
          ? resource?.deleting === true
          : resource?.version === expected.version && !resource.deleting;
    switch (write.type) {
      case 'putResource':
        return expect(
          (write.resourceType === 'User' ? this.users : this.groups).get(write.resource.id),
          write.expected,
        );
      case 'deleteResource':
        return expect((write.resourceType === 'User' ? this.users : this.groups).get(write.id), write.expected);
      case 'claimUserName':
        return !this.userNames.has(foldCase(write.userName));
      case 'memberExists': {
        const member = (write.memberType === 'User' ? this.users : this.groups).get(write.memberId);
        return member !== undefined && !member.deleting;
      }
      case 'addMember': {
        const current = this.memberships.get(write.groupId)?.get(write.memberId);
        return !current || (!current.present && current.rev < write.rev);
      }
      case 'removeMember': {
        const current = this.memberships.get(write.groupId)?.get(write.memberId);
        return current?.present === true && current.rev < write.rev;
      }
      case 'restoreMember':
        return this.memberships.get(write.groupId)?.get(write.memberId)?.present !== true;
      case 'holdEvent':
        return !this.held.has(heldKeyOf(write.held));
      case 'dropHeld':
        return this.held.has(heldKeyOf(write.held));
      default:
        return true;
    }
  }

  private reasonOf(write: Write) {
    switch (write.type) {
      case 'claimUserName':
        return 'uniqueConflict' as const;
      case 'memberExists':
        return 'memberMissing' as const;
      case 'addMember':
      case 'removeMember':
      case 'restoreMember':
        return 'memberStateChanged' as const;
      case 'dropHeld':
        return 'notFound' as const;
      case 'holdEvent':
        return 'alreadyExists' as const;
      default:
        return 'expected' in write && write.expected.kind === 'absent'
          ? ('alreadyExists' as const)
          : ('versionConflict' as const);
    }
  }

  private apply(write: Write): void {
    switch (write.type) {
      case 'putResource':
        (write.resourceType === 'User' ? this.users : this.groups).set(write.resource.id, write.resource);
        if (write.resourceType === 'Group' && !this.memberships.has(write.resource.id))
          this.memberships.set(write.resource.id, new Map());
        return;
      case 'deleteResource':
        (write.resourceType === 'User' ? this.users : this.groups).delete(write.id);
        return;
      case 'claimUserName':
        this.userNames.set(foldCase(write.userName), write.userId);
        return;
      case 'releaseUserName':
        this.userNames.delete(foldCase(write.userName));
        return;
      case 'countResources':
        this.counts[write.resourceType] += write.delta;
        return;
      case 'addMember':
        this.memberships.get(write.groupId)?.set(write.memberId, { present: true, rev: write.rev });
        return;
      case 'removeMember':
        this.memberships.get(write.groupId)?.set(write.memberId, { present: false, rev: write.rev });
        return;
      case 'memberExists':
        return;
      case 'event':
        this.events.push(write.event);
        return;
      case 'log':
        this.log.push(write.entry);
        return;
      case 'holdEvent':
        this.held.set(heldKeyOf(write.held), write.held);
        return;
      case 'dropHeld':
        this.held.delete(heldKeyOf(write.held));
        return;
      case 'restoreMember':
        this.memberships.get(write.groupId)?.set(write.memberId, { present: true, rev: write.rev });
        return;
    }
  }
}

/** The DynamoDB adapter's held-row sort key (keys.heldChangeKey), so held changes list in the same order. */
function heldKeyOf(held: HeldChange): string {
  return `${held.event.occurredAt}#${held.event.resourceId}#${String(held.event.version).padStart(12, '0')}`;
}

/** The removal guard in memory, with the adapter's semantics (one tenant). */
export class MemoryGuard implements GuardStore {
  settings: GuardSettings = DEFAULT_GUARD_SETTINGS;
  window?: RemovalWindow & { readonly windowSeconds: number };
  hold?: Hold;
  holds = 0;
  lockState?: { readonly kind: GuardAction; readonly until: string };

  constructor(private readonly ports: MemoryPorts) {}

  async getGuard(): Promise<GuardState> {
    return {
      settings: this.settings,
      ...(this.window && this.window.windowSeconds === this.settings.windowSeconds
        ? { window: { index: this.window.index, current: this.window.current, previous: this.window.previous } }
        : {}),
      ...(this.hold ? { hold: this.hold } : {}),
      holds: this.holds,
      ...(this.lockState ? { lock: this.lockState } : {}),
    };
  }

  async putSettings(_tenantId: string, settings: GuardSettings): Promise<void> {
    this.settings = settings;
  }

  async countRemoval(_tenantId: string, atMs: number, windowSeconds: number): Promise<RemovalWindow> {
    const index = windowIndexOf(atMs, windowSeconds);
    const same = this.window?.windowSeconds === windowSeconds ? this.window : undefined;
    this.window =
      same && same.index >= index
        ? { ...same, current: same.current + 1 }
        : { index, windowSeconds, current: 1, previous: same && same.index === index - 1 ? same.current : 0 };
    return { index: this.window.index, current: this.window.current, previous: this.window.previous };
  }

  async uncountRemoval(_tenantId: string, index: number, windowSeconds: number): Promise<void> {
    const window = this.window?.windowSeconds === windowSeconds ? this.window : undefined;
    if (window?.index === index && window.current > 0) this.window = { ...window, current: window.current - 1 };
    else if (window?.index === index + 1 && window.previous > 0)
      this.window = { ...window, previous: window.previous - 1 };
  }

  async startHold(_tenantId: string, hold: Hold, event: ChangeEvent): Promise<Hold> {
    if (this.hold) return this.hold;
    if (event.version !== this.holds + 1) throw new CommitFailure('versionConflict', 'holds moved on');
    this.hold = hold;
    this.holds = event.version;
    this.ports.events.push(event);
    return hold;
  }

  async endHold(_tenantId: string, holdId: string | undefined, atMs: number, windowSeconds: number): Promise<void> {
    if (holdId !== undefined && this.hold?.id !== holdId) return;
    this.hold = undefined;
    this.window = { index: windowIndexOf(atMs, windowSeconds), windowSeconds, current: 0, previous: 0 };
  }

  async lock(_tenantId: string, kind: GuardAction, atMs: number, untilMs: number): Promise<boolean> {
    if (this.lockState && Date.parse(this.lockState.until) >= atMs) return false;
    this.lockState = { kind, until: new Date(untilMs).toISOString() };
    return true;
  }

  async unlock(_tenantId: string, kind: GuardAction): Promise<void> {
    if (this.lockState?.kind === kind) this.lockState = undefined;
  }

  async listHeld(_tenantId: string, limit: number, cursor?: string): Promise<HeldPage> {
    const keys = [...this.ports.held.keys()].sort().filter((key) => cursor === undefined || key > cursor);
    const page = keys.slice(0, limit);
    return {
      items: page.map((key) => this.ports.held.get(key) as HeldChange),
      ...(keys.length > limit ? { cursor: page[page.length - 1] } : {}),
    };
  }
}

/** A SCIM request of tenant `acme` as the chain hands it to an operation. */
export function scimRequest(operation: ScimRequest['operation'], init: Partial<ScimRequest> = {}): ScimRequest {
  return {
    operation,
    tenantId: 'acme',
    pathParameters: { tenantId: 'acme' },
    query: {},
    headers: {},
    body: undefined,
    requestId: 'req-1',
    tenantUrl: 'https://scim.example/scim/v2/acme',
    ...init,
  };
}
