import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback fake of the Microsoft identity platform's token endpoint and of Microsoft Graph's
 * delta queries, following the documented shapes (learn.microsoft.com/graph/delta-query-overview,
 * /graph/api/user-delta, /graph/api/group-delta, /entra/identity-platform/v2-oauth2-client-creds-grant-flow):
 * `@odata.nextLink` pages ending in `@odata.deltaLink`, `@removed` with reason `changed`/`deleted`,
 * `members@delta` (a group with many members appears on several pages), `$select` honoured,
 * 410 Gone with a Location to restart, 429 with and without Retry-After, AADSTS errors.
 */
export interface FakeUser {
  id: string;
  userPrincipalName?: string;
  accountEnabled: boolean;
  [property: string]: unknown;
}

interface Tombstone {
  readonly id: string;
  readonly seq: number;
  readonly reason: 'changed' | 'deleted';
}

interface MembershipChange {
  readonly groupId: string;
  readonly memberId: string;
  readonly memberType: 'user' | 'group';
  readonly seq: number;
  readonly removed: boolean;
}

interface FakeGroup {
  id: string;
  displayName: string;
  members: Map<string, 'user' | 'group'>;
  seq: number;
}

/** A canned answer for the next matching request. */
export interface Fault {
  readonly match: 'token' | 'users' | 'groups' | 'any';
  readonly respond: (response: ServerResponse) => void;
}

export interface FakeGraphOptions {
  /** Objects per delta page. @default 100 */
  readonly pageSize?: number;
  /** Members listed per appearance of a group (Graph splits large member lists over pages). @default 50 */
  readonly membersPerAppearance?: number;
  /** In a full round, every n-th user also appears again on a later page (Graph may repeat objects). @default 0 (never) */
  readonly duplicateEvery?: number;
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

export class FakeGraph {
  readonly entraTenantId = randomUUID();
  readonly clientId = randomUUID();
  clientSecret = `s~${randomBytes(18).toString('base64url')}`;
  /** `expired`: the token endpoint answers AADSTS7000222 for the right secret. */
  secretState: 'valid' | 'expired' = 'valid';
  /** `false`: Graph answers 403 Authorization_RequestDenied (admin consent not granted). */
  consentGranted = true;
  readonly users = new Map<string, FakeUser>();
  private readonly userSeq = new Map<string, number>();
  private readonly groups = new Map<string, FakeGroup>();
  private readonly tombstones: Tombstone[] = [];
  private readonly groupTombstones: Tombstone[] = [];
  private readonly membershipChanges: MembershipChange[] = [];
  private seq = 1;
  /** Delta tokens issued at or before this sequence number answer 410 (the sync state expired). */
  private expiredBefore = 0;
  private readonly rounds = new Map<
    string,
    { items: unknown[]; next: string; kind: 'users' | 'groups'; select?: string }
  >();
  private readonly tokens = new Set<string>();
  private readonly faults: Fault[] = [];
  /** Requests by kind, for assertions and the benchmark. */
  readonly requests = { token: 0, users: 0, groups: 0, other: 0 };
  private server?: Server;
  private baseUrl = '';

  constructor(private readonly options: FakeGraphOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request, response).catch((error: unknown) =>
        json(response, 500, { error: { code: 'fakeFailure', message: String(error) } }),
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Both the Graph root and the authority root (one server plays both). */
  get url(): string {
    return this.baseUrl;
  }

  // ---- directory changes -------------------------------------------------------------------

  addUser(user: FakeUser): void {
    this.users.set(user.id, { ...user });
    this.userSeq.set(user.id, ++this.seq);
  }

  /** Changes some properties of a user (null clears one, as Graph reports cleared values). */
  updateUser(id: string, change: Record<string, unknown>): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    this.users.set(id, { ...user, ...change });
    this.userSeq.set(id, ++this.seq);
  }

  /** Deletes a user: `changed` is a soft delete (restorable), `deleted` a permanent one. */
  deleteUser(id: string, reason: 'changed' | 'deleted' = 'deleted'): void {
    this.users.delete(id);
    this.userSeq.delete(id);
    this.tombstones.push({ id, seq: ++this.seq, reason });
    for (const group of this.groups.values()) {
      if (group.members.delete(id)) {
        group.seq = this.seq;
        this.membershipChanges.push({
          groupId: group.id,
          memberId: id,
          memberType: 'user',
          seq: this.seq,
          removed: true,
        });
      }
    }
  }

  addGroup(id: string, displayName: string): void {
    this.groups.set(id, { id, displayName, members: new Map(), seq: ++this.seq });
  }

  renameGroup(id: string, displayName: string): void {
    const group = this.groups.get(id);
    if (!group) throw new Error(`no group ${id}`);
    group.displayName = displayName;
    group.seq = ++this.seq;
  }

  deleteGroup(id: string): void {
    this.groups.delete(id);
    this.groupTombstones.push({ id, seq: ++this.seq, reason: 'deleted' });
  }

  addMember(groupId: string, memberId: string, memberType: 'user' | 'group' = 'user'): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    group.members.set(memberId, memberType);
    group.seq = ++this.seq;
    this.membershipChanges.push({ groupId, memberId, memberType, seq: this.seq, removed: false });
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    const memberType = group.members.get(memberId) ?? 'user';
    group.members.delete(memberId);
    group.seq = ++this.seq;
    this.membershipChanges.push({ groupId, memberId, memberType, seq: this.seq, removed: true });
  }

  membersOf(groupId: string): string[] {
    return [...(this.groups.get(groupId)?.members.keys() ?? [])];
  }

  /** Every delta token issued so far answers 410 Gone from now on (Graph's sync state expired). */
  expireDeltaTokens(): void {
    this.expiredBefore = this.seq;
  }

  /** The next matching request gets this answer instead (faults are used once, in order). */
  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** The next `count` Graph page requests get 429, with Retry-After seconds when given. */
  throttle(count: number, retryAfterSeconds?: number, kind: Fault['match'] = 'any'): void {
    for (let index = 0; index < count; index += 1) {
      this.fail({
        match: kind,
        respond: (response) =>
          json(
            response,
            429,
            { error: { code: 'TooManyRequests', message: 'Too many requests' } },
            retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {},
          ),
      });
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private takeFault(kind: 'token' | 'users' | 'groups'): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.match === kind || (fault.match === 'any' && kind !== 'token'));
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && request.method === 'POST')
      return this.token(decodeURIComponent(token[1] ?? ''), await body(request), response);
    const delta = /^\/v1\.0\/(users|groups)\/delta$/.exec(url.pathname);
    if (!delta || request.method !== 'GET') {
      this.requests.other += 1;
      return json(response, 404, { error: { code: 'Request_ResourceNotFound', message: `No ${url.pathname}` } });
    }
    const kind = delta[1] as 'users' | 'groups';
    this.requests[kind] += 1;
    const fault = this.takeFault(kind);
    if (fault) return fault.respond(response);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer))
      return json(response, 401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' },
      });
    if (!this.consentGranted)
      return json(response, 403, {
        error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
      });
    return this.deltaPage(kind, url, response);
  }

  private token(tenant: string, form: URLSearchParams, response: ServerResponse): void {
    this.requests.token += 1;
    const fault = this.takeFault('token');
    if (fault) return fault.respond(response);
    const error = (status: number, code: number, error: string, text: string) =>
      json(response, status, {
        error,
        error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
        error_codes: [code],
      });
    if (tenant !== this.entraTenantId) return error(400, 90002, 'invalid_request', `Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials')
      return error(400, 70003, 'unsupported_grant_type', 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== this.clientId)
      return error(
        400,
        700016,
        'unauthorized_client',
        `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
      );
    if (form.get('scope') !== `${this.baseUrl}/.default`)
      return error(400, 1002012, 'invalid_scope', 'The provided value for scope is not valid.');
    if (form.get('client_secret') !== this.clientSecret)
      return error(
        401,
        7000215,
        'invalid_client',
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    if (this.secretState === 'expired')
      return error(
        401,
        7000222,
        'invalid_client',
        `The provided client secret keys for app '${this.clientId}' are expired.`,
      );
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.add(accessToken);
    json(response, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  }

  private deltaPage(kind: 'users' | 'groups', url: URL, response: ServerResponse): void {
    const skip = url.searchParams.get('$skiptoken');
    const deltaToken = url.searchParams.get('$deltatoken');
    const select = url.searchParams.get('$select') ?? undefined;
    let round: string;
    if (skip !== null) {
      round = skip.split('.')[0] ?? '';
      if (!this.rounds.has(round))
        return json(response, 400, { error: { code: 'badRequest', message: 'Invalid skip token.' } });
    } else {
      let since = 0;
      if (deltaToken !== null) {
        since = Number(deltaToken);
        if (!Number.isInteger(since) || since <= this.expiredBefore) {
          const restart = `${this.baseUrl}/v1.0/${kind}/delta${select ? `?$select=${select}` : ''}`;
          return json(
            response,
            410,
            { error: { code: 'syncStateNotFound', message: 'The sync state is not found or expired.' } },
            { Location: restart },
          );
        }
      }
      round = randomUUID();
      this.rounds.set(round, {
        items: kind === 'users' ? this.userItems(since, select) : this.groupItems(since),
        next: String(this.seq),
        kind,
        ...(select ? { select } : {}),
      });
    }
    const offset = skip === null ? 0 : Number(skip.split('.')[1]);
    const state = this.rounds.get(round)!;
    const size = this.options.pageSize ?? 100;
    const value = state.items.slice(offset, offset + size);
    const more = offset + size < state.items.length;
    const link = (query: string) => `${this.baseUrl}/v1.0/${kind}/delta?${query}`;
    json(response, 200, {
      '@odata.context': `${this.baseUrl}/v1.0/$metadata#${kind}`,
      value,
      ...(more
        ? { '@odata.nextLink': link(`$skiptoken=${round}.${offset + size}`) }
        : { '@odata.deltaLink': link(`$deltatoken=${state.next}${state.select ? `&$select=${state.select}` : ''}`) }),
    });
  }

  private userItems(since: number, select: string | undefined): unknown[] {
    const fields = select ? new Set(select.split(',')) : undefined;
    const pick = (user: FakeUser) =>
      Object.fromEntries(Object.entries(user).filter(([key]) => key === 'id' || !fields || fields.has(key)));
    const changed = [...this.users.values()].filter((user) => (this.userSeq.get(user.id) ?? 0) > since).map(pick);
    // Deleted objects appear only in rounds that continue from a delta token (not in the first round).
    const removed =
      since === 0
        ? []
        : this.tombstones
            .filter((tombstone) => tombstone.seq > since)
            .map((tombstone) => ({ id: tombstone.id, '@removed': { reason: tombstone.reason } }));
    const items: unknown[] = [...changed, ...removed];
    const every = this.options.duplicateEvery ?? 0;
    if (every > 0 && since === 0) changed.filter((_, index) => index % every === 0).forEach((user) => items.push(user));
    return items;
  }

  private groupItems(since: number): unknown[] {
    const per = this.options.membersPerAppearance ?? 50;
    const items: unknown[] = [];
    const member = (id: string, type: 'user' | 'group', removed = false) => ({
      '@odata.type': `#microsoft.graph.${type}`,
      id,
      ...(removed ? { '@removed': { reason: 'deleted' } } : {}),
    });
    for (const group of this.groups.values()) {
      let members: unknown[];
      if (since === 0) members = [...group.members].map(([id, type]) => member(id, type));
      else {
        if (group.seq <= since) continue;
        members = this.membershipChanges
          .filter((change) => change.groupId === group.id && change.seq > since)
          .map((change) => member(change.memberId, change.memberType, change.removed));
      }
      if (members.length <= per) items.push({ id: group.id, displayName: group.displayName, 'members@delta': members });
      else
        for (let start = 0; start < members.length; start += per)
          items.push({
            id: group.id,
            ...(start === 0 ? { displayName: group.displayName } : {}),
            'members@delta': members.slice(start, start + per),
          });
    }
    if (since > 0)
      this.groupTombstones
        .filter((tombstone) => tombstone.seq > since)
        .forEach((tombstone) => items.push({ id: tombstone.id, '@removed': { reason: tombstone.reason } }));
    return items;
  }
}

/** `sync connect <tenant>` pointed at this fake Graph (its tenant, app credentials and URLs), before any extra flags. */
export function connectArgs(graph: FakeGraph, tenantId: string): string[] {
  return [
    'sync',
    'connect',
    tenantId,
    '--entra-tenant',
    graph.entraTenantId,
    '--client-id',
    graph.clientId,
    '--client-secret',
    graph.clientSecret,
    '--graph-url',
    graph.url,
    '--login-url',
    graph.url,
  ];
}

async function body(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
