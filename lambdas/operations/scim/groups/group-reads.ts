import { ScimError } from '../../../scim/errors';
import type { ScimObject } from '../../../scim/resources/normalize';
import { projectResource, wantsAttribute } from '../../../scim/resources/projection';
import { renderResource } from '../../../scim/resources/render';
import { GROUP_RESOURCE_TYPE } from '../../../scim/schema/attributes';
import type { Dependencies, StoredResource } from '../../ports';
import type { ScimRequest, ScimResponse } from '../../request';
import { resourceResponse } from '../responses';

/**
 * Most members a group read returns in full: 100,000 compact `{"value": "<id>"}` members are about
 * 5 MB, inside Lambda's 6 MB response limit. Larger groups are read with excludedAttributes=members
 * (which costs one GetItem whatever the size) — docs/data-model.md.
 */
export const MAX_MEMBERS_IN_RESPONSE = 100_000;

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

/** A group as SCIM renders it (meta, location), with `extra` attributes such as its members. */
export function renderGroup(request: ScimRequest, group: StoredResource, extra: ScimObject = {}): ScimObject {
  return renderResource(GROUP_RESOURCE_TYPE, group, group.data, request.tenantUrl, extra);
}

/** A group response; `knownMembers` (a create's own) saves reading the members back. */
export async function groupResponse(
  request: ScimRequest,
  deps: Dependencies,
  status: 200 | 201,
  group: StoredResource,
  knownMembers?: readonly string[],
): Promise<ScimResponse> {
  const known = knownMembers && knownMembers.length > 0 ? { members: knownMembers.map((value) => ({ value })) } : {};
  const members = !wantsMembers(request) ? {} : knownMembers ? known : await membersAttribute(request, deps, group.id);
  const response = resourceResponse(status, renderGroup(request, group, members));
  return { ...response, body: projectResource(response.body as ScimObject, GROUP_RESOURCE_TYPE, request.query) };
}
