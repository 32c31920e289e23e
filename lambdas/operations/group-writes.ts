import { buildEvent, type ChangeEvent } from '../events/catalog';
import { ScimError } from '../scim/errors';
import type { MemberDelta } from '../scim/patch';
import { deepEqual } from '../scim/patch/deep-equal';
import type { ScimObject } from '../scim/resources/normalize';
import { projectResource, wantsAttribute } from '../scim/resources/projection';
import { renderResource } from '../scim/resources/render';
import { GROUP_RESOURCE_TYPE } from '../scim/schema/attributes';
import type { Dependencies, MembershipWrite, StoredResource } from './ports';
import type { ScimRequest, ScimResponse } from './request';
import { resourceResponse } from './responses';

/**
 * Most members a group read returns in full: 100,000 compact `{"value": "<id>"}` members are about
 * 5 MB, inside Lambda's 6 MB response limit. Larger groups are read with excludedAttributes=members
 * (which costs one GetItem whatever the size) — docs/data-model.md.
 */
export const MAX_MEMBERS_IN_RESPONSE = 100_000;

/** Member values a request may name at once (Entra batches memberships in one PATCH, entra §3). */
export const MAX_MEMBER_VALUES = 10_000;

/** Does this request's representation need the members (attributes/excludedAttributes, entra §3)? */
export function wantsMembers(request: ScimRequest): boolean {
  return wantsAttribute(request.query, GROUP_RESOURCE_TYPE, 'members');
}

/** The compact members list of a group, refusing groups too large for one response. */
export async function membersAttribute(request: ScimRequest, deps: Dependencies, groupId: string): Promise<ScimObject> {
  const ids = await deps.groups.listMembers(request.tenantId, groupId, MAX_MEMBERS_IN_RESPONSE + 1);
  if (ids.length > MAX_MEMBERS_IN_RESPONSE) {
    throw ScimError.badRequest(
      'tooMany',
      `Group "${groupId}" has more than ${MAX_MEMBERS_IN_RESPONSE} members, too many for one response: read it with excludedAttributes=members, and its members' groups from the users.`,
    );
  }
  return ids.length > 0 ? { members: ids.map((value) => ({ value })) } : {};
}

export function renderGroup(request: ScimRequest, group: StoredResource, extra: ScimObject = {}): ScimObject {
  return renderResource(GROUP_RESOURCE_TYPE, group, group.data, request.tenantUrl, extra);
}

/** A group response; `knownMembers` (a create's own) saves reading the members back. */
export async function groupResponse(request: ScimRequest, deps: Dependencies, status: 200 | 201, group: StoredResource, knownMembers?: readonly string[]): Promise<ScimResponse> {
  const known = knownMembers && knownMembers.length > 0 ? { members: knownMembers.map((value) => ({ value })) } : {};
  const members = !wantsMembers(request) ? {} : knownMembers ? known : await membersAttribute(request, deps, group.id);
  const response = resourceResponse(status, renderGroup(request, group, members));
  return { ...response, body: projectResource(response.body as ScimObject, GROUP_RESOURCE_TYPE, request.query) };
}

/** Ids named by a create or PUT body's `members`, checked and de-duplicated. */
export function memberIdsOf(data: ScimObject): string[] {
  const members = data.members;
  if (members === undefined) return [];
  const ids = (Array.isArray(members) ? members : [members]).map((member: unknown, index) => {
    const value = (member as ScimObject | undefined)?.value;
    if (typeof value !== 'string' || value === '') throw ScimError.badRequest('invalidValue', `members[${index}].value must be the id of a user or group.`);
    return value;
  });
  return [...new Set(ids)];
}

/** Refuses members that are not users or groups of this tenant (a typo would otherwise dangle forever). */
export async function assertMembersExist(request: ScimRequest, deps: Dependencies, ids: readonly string[], groupId: string): Promise<void> {
  if (ids.length > MAX_MEMBER_VALUES) {
    throw ScimError.badRequest('invalidValue', `A request may name at most ${MAX_MEMBER_VALUES} members; send the rest in another request.`);
  }
  if (ids.includes(groupId)) throw ScimError.badRequest('invalidValue', `Group "${groupId}" cannot be a member of itself.`);
  const found = await deps.groups.existingMembers(request.tenantId, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((id) => `"${id}"`).join(', ');
    throw ScimError.badRequest('invalidValue', `members: no user or group with id ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} in this tenant.`);
  }
}

/**
 * Turns a PATCH's member delta into the writes that change something: members to add that are not
 * members yet, members to remove that are. Costs O(members named), or O(group) for a replace-all.
 */
export async function membershipWrites(request: ScimRequest, deps: Dependencies, groupId: string, delta: MemberDelta | undefined): Promise<MembershipWrite> {
  if (!delta) return { add: [], remove: [] };
  if (delta.replaceAll) {
    const target = new Set(delta.replaceAll);
    const current = new Set(await deps.groups.listMembers(request.tenantId, groupId, Number.MAX_SAFE_INTEGER));
    return { add: [...target].filter((id) => !current.has(id)), remove: [...current].filter((id) => !target.has(id)) };
  }
  const present = await deps.groups.presentMembers(request.tenantId, groupId, [...delta.add, ...delta.remove]);
  return { add: delta.add.filter((id) => !present.has(id)), remove: delta.remove.filter((id) => present.has(id)) };
}

function changedGroupAttributes(before: ScimObject, after: ScimObject): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((name) => !deepEqual(before[name], after[name])).sort();
}

/**
 * Writes a group's new attributes and membership changes as the next version(s) with their events:
 * `Group Updated` for attributes, `Group Members Added`/`Removed` listing exactly the members each
 * transaction changed. Returns the stored group; nothing is written when nothing changes.
 */
export async function saveGroup(
  request: ScimRequest,
  deps: Dependencies,
  before: StoredResource,
  data: ScimObject,
  members: MembershipWrite,
): Promise<StoredResource> {
  const changed = changedGroupAttributes(before.data, data);
  if (changed.length === 0 && members.add.length === 0 && members.remove.length === 0) return before;
  const now = deps.clock.now().toISOString();
  const after: StoredResource = { ...before, version: before.version + 1, lastModified: now, data };
  const base = { tenantId: request.tenantId, resourceType: 'Group' as const, resourceId: before.id, occurredAt: now, requestId: request.requestId };

  const version = await deps.groups.updateGroup(request.tenantId, before, after, members, (chunk) => {
    const snapshot = renderGroup(request, { ...after, version: chunk.version });
    const events: ChangeEvent[] = [];
    if (chunk.first && changed.length > 0) {
      const previous = Object.fromEntries(changed.filter((name) => before.data[name] !== undefined).map((name) => [name, before.data[name]]));
      events.push(buildEvent({ ...base, detailType: 'Group Updated', version: chunk.version, changedAttributes: changed, previous, snapshot }));
    }
    if (chunk.add.length > 0) {
      events.push(buildEvent({ ...base, detailType: 'Group Members Added', version: chunk.version, changedAttributes: ['members'], snapshot, members: { added: chunk.add, removed: [] } }));
    }
    if (chunk.remove.length > 0) {
      events.push(buildEvent({ ...base, detailType: 'Group Members Removed', version: chunk.version, changedAttributes: ['members'], snapshot, members: { added: [], removed: chunk.remove } }));
    }
    return events;
  });
  return { ...after, version };
}
