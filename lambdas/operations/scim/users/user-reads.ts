import { projectResource } from '../../../scim/resources/projection';
import { renderResource } from '../../../scim/resources/render';
import type { ScimObject } from '../../../scim/resources/normalize';
import { userTypeOf } from '../../profiles/tenant-schema';
import type { Dependencies, StoredResource } from '../../ports';
import type { ScimRequest, ScimResponse } from '../../request';
import { resourceResponse } from '../responses';

/** The `groups` attribute of a user (RFC 7643 §4.1.2: readOnly, derived from group memberships). */
export async function groupsAttribute(request: ScimRequest, deps: Dependencies, userId: string): Promise<ScimObject> {
  const groupIds = await deps.groups.groupsOf(request.tenantId, userId);
  if (groupIds.length === 0) return {};
  const groups = await deps.groups.getGroups(request.tenantId, groupIds);
  return {
    groups: groups
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((group) => ({
        value: group.id,
        $ref: `${request.tenantUrl}/Groups/${encodeURIComponent(group.id)}`,
        display: group.data.displayName,
        type: 'direct',
      })),
  };
}

/** A user rendered for a response, with `attributes`/`excludedAttributes` applied. */
export function userResource(request: ScimRequest, user: StoredResource, extra: ScimObject = {}): ScimObject {
  const type = userTypeOf(request);
  return projectResource(renderResource(type, user, user.data, request.tenantUrl, extra), type, request.query);
}

/** A user response with `attributes`/`excludedAttributes` applied. */
export function userResponse(
  request: ScimRequest,
  status: 200 | 201,
  user: StoredResource,
  extra: ScimObject = {},
): ScimResponse {
  const type = userTypeOf(request);
  const response = resourceResponse(status, renderResource(type, user, user.data, request.tenantUrl, extra));
  return { ...response, body: projectResource(response.body as ScimObject, type, request.query) };
}
