import { userTypeOf } from '../../profiles/tenant-schema';
import { listResources } from '../list-resources';
import type { UserLookupKey } from '../../ports';
import type { Operation } from '../../request';
import { userResource } from './user-reads';

const USER_KEYS: ReadonlySet<string> = new Set<UserLookupKey>(['userName', 'externalId', 'workEmail']);

/**
 * GET /Users: Entra's matching queries (userName, externalId, id, work email) are key lookups whose
 * cost does not depend on the tenant's size; listing pages through the tenant in id order.
 */
export const listUsers: Operation = (request, deps) =>
  listResources(request, {
    resourceType: userTypeOf(request),
    lookup: async (plan) =>
      USER_KEYS.has(plan.key)
        ? deps.directory.findUserIds(request.tenantId, plan.key as UserLookupKey, plan.value)
        : undefined,
    getByIds: (ids) => deps.directory.getUsers(request.tenantId, ids),
    page: (start, limit) => deps.directory.listUsers(request.tenantId, start, limit),
    count: () => deps.directory.countResources(request.tenantId, 'User'),
    render: async (users) => users.map((user) => userResource({ ...request, query: {} }, user)),
  });
