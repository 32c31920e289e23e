import { resourceTypes } from '../../../scim/discovery';
import type { Operation } from '../../request';
import { listResponse } from '../responses';

/** GET /ResourceTypes (RFC 7644 §4): a ListResponse; filter and paging parameters are ignored. */
export const listResourceTypes: Operation = async (request) => {
  const resources = resourceTypes(request.tenantUrl);
  return listResponse({ resources, totalResults: resources.length, startIndex: 1 });
};
