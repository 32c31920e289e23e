import type { OperationName } from '../../contracts/routes';
import { ScimError } from '../../scim/errors';
import { patchBody, userSchemas, type PatchOperation } from '../../sync/mapping';
import type { TenantRecord } from '../../tenancy/tenant';
import { createGroup } from '../scim/groups/create-group';
import { createUser } from '../scim/users/create-user';
import { deleteGroup } from '../scim/groups/delete-group';
import { deleteUser } from '../scim/users/delete-user';
import { patchGroup } from '../scim/groups/patch-group';
import { patchUser } from '../scim/users/patch-user';
import type { Dependencies } from '../ports';
import type { Operation, ScimRequest } from '../request';

/** The actor a sync's writes are made as: their events and provisioning-log entries carry it in requestId. */
export const SYNC_ACTOR = 'graph-sync';

/** Member values one PATCH adds (one `add` op, far below MAX_MEMBER_VALUES) and removes (one op each, below 1,000 ops). */
const MEMBERS_PER_PATCH = 500;

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function versionOf(headers: Readonly<Record<string, string>> | undefined, body: unknown): number {
  const tag = headers?.ETag ?? (body as { meta?: { version?: string } } | undefined)?.meta?.version ?? '';
  const version = Number(/"(\d+)"/.exec(tag)?.[1]);
  return Number.isFinite(version) ? version : 0;
}

/**
 * Writes a sync's changes through the SCIM use cases (create/patch/delete of users and groups), so
 * they commit with the same events, provisioning-log entries and ownership rules as SCIM pushes
 * (../shared/DESIGN.md "Graph pull sync"). Each write is its own request, with a request id
 * `graph-sync:<runId>:<n>` naming the actor and the run.
 */
export class SyncWriter {
  private sequence = 0;

  constructor(
    private readonly deps: Dependencies,
    private readonly tenant: TenantRecord,
    private readonly tenantUrl: string,
    private readonly runId: string,
  ) {}

  private request(operation: OperationName, id: string | undefined, body?: unknown): ScimRequest {
    this.sequence += 1;
    return {
      operation,
      tenantId: this.tenant.tenantId,
      pathParameters: { tenantId: this.tenant.tenantId, ...(id !== undefined ? { id } : {}) },
      query: { excludedAttributes: 'members,groups' },
      headers: {},
      body,
      requestId: `${SYNC_ACTOR}:${this.runId}:${this.sequence}:${this.deps.ids.newId().slice(0, 8)}`,
      tenantUrl: this.tenantUrl,
      tenant: this.tenant,
    };
  }

  private async call(operation: Operation, name: OperationName, id: string | undefined, body?: unknown) {
    return operation(this.request(name, id, body), this.deps);
  }

  /** Creates a user from the sync's PATCH operations applied to nothing; returns its id and version. */
  async createUser(data: Readonly<Record<string, unknown>>): Promise<{ id: string; version: number }> {
    const response = await this.call(createUser, 'createUser', undefined, {
      schemas: userSchemas(this.tenant.profile ?? {}),
      ...data,
    });
    return { id: (response.body as { id: string }).id, version: versionOf(response.headers, response.body) };
  }

  /** Patches a user; undefined when it no longer exists. */
  async patchUser(
    id: string,
    operations: readonly PatchOperation[],
  ): Promise<{ version: number; active: boolean } | undefined> {
    try {
      const response = await this.call(patchUser, 'patchUser', id, patchBody(operations));
      return {
        version: versionOf(response.headers, response.body),
        active: (response.body as { active?: unknown }).active !== false,
      };
    } catch (error) {
      if (error instanceof ScimError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Deletes a user; false when it was gone already. */
  async deleteUser(id: string): Promise<boolean> {
    return this.deleteWith(deleteUser, 'deleteUser', id);
  }

  async createGroup(displayName: string, externalId: string): Promise<string> {
    const response = await this.call(createGroup, 'createGroup', undefined, {
      schemas: [CORE_GROUP],
      displayName,
      externalId,
    });
    return (response.body as { id: string }).id;
  }

  /** Renames a group; false when it no longer exists. */
  async renameGroup(id: string, displayName: string): Promise<boolean> {
    try {
      await this.call(
        patchGroup,
        'patchGroup',
        id,
        patchBody([{ op: 'replace', path: 'displayName', value: displayName }]),
      );
      return true;
    } catch (error) {
      if (error instanceof ScimError && error.status === 404) return false;
      throw error;
    }
  }

  /** Adds and removes members, MEMBERS_PER_PATCH at a time (members already there, or gone, change nothing). */
  async changeMembers(id: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    for (let start = 0; start < add.length; start += MEMBERS_PER_PATCH) {
      const value = add.slice(start, start + MEMBERS_PER_PATCH).map((member) => ({ value: member }));
      await this.call(patchGroup, 'patchGroup', id, patchBody([{ op: 'add', path: 'members', value }]));
    }
    for (let start = 0; start < remove.length; start += MEMBERS_PER_PATCH) {
      const operations = remove
        .slice(start, start + MEMBERS_PER_PATCH)
        .map((member): PatchOperation => ({ op: 'remove', path: `members[value eq "${member}"]` }));
      await this.call(patchGroup, 'patchGroup', id, patchBody(operations));
    }
  }

  /** Deletes a group; false when it was gone already. */
  async deleteGroup(id: string): Promise<boolean> {
    return this.deleteWith(deleteGroup, 'deleteGroup', id);
  }

  private async deleteWith(operation: Operation, name: OperationName, id: string): Promise<boolean> {
    try {
      await this.call(operation, name, id);
      return true;
    } catch (error) {
      if (error instanceof ScimError && error.status === 404) return false;
      throw error;
    }
  }
}
