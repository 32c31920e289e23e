import { ScimError } from '../../scim/errors';
import { decodeCursor, encodeCursor, parsePaging } from '../../scim/list';
import type { StoredResource } from '../ports';
import { profileOf } from './effective-profile';
import type { Operation } from '../request';

/**
 * GET /profiles/v1/{tenantId}/groups/{id}/members?cursor=…&count=…: effective profiles of a group's
 * members, a page at a time (banner assignment). O(page) whatever the group's size.
 */
export const listGroupProfiles: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const paging = parsePaging({ ...request.query, cursor: request.query.cursor ?? '' });
  const count = paging.count;
  const group = await deps.groups.getGroup(request.tenantId, id);
  if (!group) throw ScimError.notFound(`Group "${id}" not found.`);
  const afterId =
    paging.kind === 'cursor' && paging.cursor !== undefined
      ? String(decodeCursor(paging.cursor).afterId ?? '')
      : undefined;
  const memberIds = await deps.groups.listMembers(request.tenantId, id, count + 1, afterId || undefined);
  const page = memberIds.slice(0, count);
  const users = await deps.directory.getUsers(request.tenantId, page);
  const byId = new Map(users.map((user) => [user.id, user]));
  const profiles = page
    .map((memberId) => byId.get(memberId))
    .filter((user): user is StoredResource => user !== undefined)
    .map((user) => ({
      id: user.id,
      userName: user.data.userName,
      active: user.data.active !== false,
      profile: profileOf(request.tenant, user),
    }));
  const last = page.at(-1);
  return {
    status: 200,
    body: {
      groupId: id,
      displayName: group.data.displayName,
      profiles,
      ...(memberIds.length > count && last ? { nextCursor: encodeCursor({ afterId: last }) } : {}),
    },
  };
};
