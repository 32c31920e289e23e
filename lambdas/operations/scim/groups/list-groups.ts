import { ScimError } from '../../../scim/errors';
import type { Filter } from '../../../scim/filter';
import { GROUP_RESOURCE_TYPE } from '../../../scim/schema/attributes';
import { MAX_MEMBERS_IN_RESPONSE, membersAttribute, renderGroup, wantsMembers } from './group-reads';
import { listResources } from '../list-resources';
import type { Operation } from '../../request';

function mentionsMembers(filter: Filter | undefined): boolean {
  if (!filter) return false;
  switch (filter.kind) {
    case 'and':
    case 'or':
      return mentionsMembers(filter.left) || mentionsMembers(filter.right);
    case 'not':
      return mentionsMembers(filter.filter);
    default:
      return filter.path.attribute.toLowerCase() === 'members';
  }
}

/** Most members read for one list page; Entra lists with excludedAttributes=members (entra §3). */
const MAX_MEMBERS_PER_PAGE = MAX_MEMBERS_IN_RESPONSE / 10;

/**
 * GET /Groups: `displayName eq` and `externalId eq` are key lookups (Entra's match and Test
 * Connection probe); members are read only when the response or the filter needs them.
 */
export const listGroups: Operation = (request, deps) =>
  listResources(request, {
    resourceType: GROUP_RESOURCE_TYPE,
    lookup: async (plan) =>
      plan.key === 'displayName' || plan.key === 'externalId'
        ? deps.groups.findGroupIds(request.tenantId, plan.key, plan.value)
        : undefined,
    getByIds: (ids) => deps.groups.getGroups(request.tenantId, ids),
    page: (start, limit) => deps.groups.listGroups(request.tenantId, start, limit),
    count: () => deps.directory.countResources(request.tenantId, 'Group'),
    render: async (groups, filter) => {
      if (!wantsMembers(request) && !mentionsMembers(filter)) return groups.map((group) => renderGroup(request, group));
      let budget = MAX_MEMBERS_PER_PAGE;
      const rendered = [];
      for (const group of groups) {
        const members = await membersAttribute(request, deps, group.id);
        budget -= Array.isArray(members.members) ? members.members.length : 0;
        if (budget < 0) {
          throw ScimError.badRequest(
            'tooMany',
            `These groups have more than ${MAX_MEMBERS_PER_PAGE} members together: list them with excludedAttributes=members or a smaller count.`,
          );
        }
        rendered.push(renderGroup(request, group, members));
      }
      return rendered;
    },
  });
