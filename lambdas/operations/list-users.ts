import { checkFilter, evaluateFilter, parseFilter, planLookup } from '../scim/filter';
import { ScimError } from '../scim/errors';
import { renderResource } from '../scim/resources/render';
import { USER_RESOURCE_TYPE } from '../scim/schema/attributes';
import type { UserLookupKey } from './ports';
import type { Operation } from './request';
import { listResponse } from './responses';

/**
 * GET /Users?filter=…: Entra's matching queries (userName, externalId, id, work email) are key
 * lookups whose cost does not depend on the tenant's size; any other conjuncts are checked on the
 * few candidates found.
 */
export const listUsers: Operation = async (request, deps) => {
  const text = request.query.filter;
  if (text === undefined || text.trim() === '') {
    throw ScimError.badRequest('invalidFilter', 'Listing users without a filter is not supported yet: add filter=userName eq "…".');
  }
  const filter = parseFilter(text);
  checkFilter(filter, USER_RESOURCE_TYPE);
  const plan = planLookup(filter, 'User');
  if (!plan) {
    throw ScimError.badRequest('invalidFilter', `filter "${text}" is not supported yet: use userName, externalId, id or emails[type eq "work"].value with eq.`);
  }

  const ids =
    plan.key === 'id' ? [plan.value] : await deps.directory.findUserIds(request.tenantId, plan.key as UserLookupKey, plan.value);
  const users = await deps.directory.getUsers(request.tenantId, ids);

  const resources = users
    .map((user) => renderResource(USER_RESOURCE_TYPE, user, user.data, request.tenantUrl))
    .filter((resource) => evaluateFilter(filter, resource, USER_RESOURCE_TYPE))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  return listResponse({ resources, totalResults: resources.length, startIndex: 1 });
};
