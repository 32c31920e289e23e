import type { ChangeEvent } from '../../lambdas/events/catalog';
import type { Dependencies, DirectoryStore, GroupStore, PageStart, ResourcePage, StoredResource, WriteStore } from '../../lambdas/operations/ports';
import type { ScimRequest } from '../../lambdas/operations/request';
import { CommitFailure, type Expected, type MemberType, type PlannedTransaction, type Write, type WritePlan } from '../../lambdas/operations/write-plan';
import { foldCase } from '../../lambdas/scim/resources/fold-case';
import type { LogEntry } from '../../lambdas/tenancy/provisioning-log';

interface Membership {
  readonly present: boolean;
  readonly rev: number;
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
      tenants: undefined as never,
      log: { append: async (entry: LogEntry) => void this.log.push(entry), list: async () => [] },
      tokenKeys: { getKeyRing: () => Promise.reject(new Error('not used by use cases')) },
      clock: { now: () => new Date(now) },
      ids: { newId: () => `id-${String(this.nextId++).padStart(4, '0')}` },
    };
  }

  seedUser(id: string, userName: string, extra: Partial<StoredResource> = {}): StoredResource {
    const user: StoredResource = { id, version: 1, created: 'c', lastModified: 'm', data: { userName, active: true }, ...extra };
    this.users.set(id, user);
    this.userNames.set(foldCase(userName), id);
    this.counts.User += 1;
    return user;
  }

  seedGroup(id: string, displayName: string, members: readonly string[] = []): StoredResource {
    const group: StoredResource = { id, version: 1, created: 'c', lastModified: 'm', data: { displayName } };
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
    if (key === 'userName') return this.userNames.has(foldCase(value)) ? [this.userNames.get(foldCase(value)) as string] : [];
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
    return [...this.groups.values()].filter((group) => group.data.displayName === value || group.data.externalId === value).map((group) => group.id);
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
    return [...this.memberships.entries()].filter(([, members]) => members.get(memberId)?.present).map(([groupId]) => groupId);
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
      if (transaction.writes.length > 100) throw new Error(`a transaction of ${transaction.writes.length} items exceeds DynamoDB's 100`);
      const failed = transaction.writes.find((write) => !this.holds(write));
      if (failed) throw new CommitFailure(this.reasonOf(failed), `condition of ${failed.type} failed`, { write: failed, transaction: index });
      for (const write of transaction.writes) this.apply(write);
      this.committed.push(transaction);
    }
  }

  async reserveVersions(_tenantId: string, groupId: string, count: number, at: string, expectedVersion?: number): Promise<number> {
    const injected = this.failures.shift();
    if (injected) throw injected;
    const group = this.groups.get(groupId);
    if (!group || group.deleting) throw new CommitFailure('notFound', 'gone');
    if (expectedVersion !== undefined && group.version !== expectedVersion) throw new CommitFailure('versionConflict', 'stale');
    this.groups.set(groupId, { ...group, version: group.version + count, lastModified: at });
    return group.version + 1;
  }

  async beginDelete(_tenantId: string, resourceType: MemberType, id: string, expectedVersion?: number): Promise<StoredResource> {
    const store = resourceType === 'User' ? this.users : this.groups;
    const resource = store.get(id);
    if (!resource) throw new CommitFailure('notFound', 'gone');
    if (expectedVersion !== undefined && (resource.version !== expectedVersion || resource.deleting)) throw new CommitFailure('versionConflict', 'stale');
    const marked: StoredResource = { ...resource, version: resource.version + 1, deleting: true };
    store.set(id, marked);
    return marked;
  }

  async sweepMemberships(_tenantId: string, target: { readonly memberId: string } | { readonly groupId: string }): Promise<void> {
    if ('groupId' in target) this.memberships.set(target.groupId, new Map());
    else for (const members of this.memberships.values()) members.delete(target.memberId);
  }

  private holds(write: Write): boolean {
    const expect = (resource: StoredResource | undefined, expected: Expected) =>
      expected.kind === 'absent' ? !resource : expected.kind === 'deleting' ? resource?.deleting === true : resource?.version === expected.version && !resource.deleting;
    switch (write.type) {
      case 'putResource':
        return expect((write.resourceType === 'User' ? this.users : this.groups).get(write.resource.id), write.expected);
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
        return 'memberStateChanged' as const;
      default:
        return 'expected' in write && write.expected.kind === 'absent' ? ('alreadyExists' as const) : ('versionConflict' as const);
    }
  }

  private apply(write: Write): void {
    switch (write.type) {
      case 'putResource':
        (write.resourceType === 'User' ? this.users : this.groups).set(write.resource.id, write.resource);
        if (write.resourceType === 'Group' && !this.memberships.has(write.resource.id)) this.memberships.set(write.resource.id, new Map());
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
    }
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
