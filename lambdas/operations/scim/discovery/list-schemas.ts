import { schemas } from '../../../scim/discovery';
import type { Operation } from '../../request';
import { userTypeOf } from '../../profiles/tenant-schema';
import { listResponse } from '../responses';

/** GET /Schemas (RFC 7644 §4): a ListResponse, as Entra's schema discovery expects (entra README §1). */
export const listSchemas: Operation = async (request) => {
  const resources = schemas(request.tenantUrl, userTypeOf(request));
  return listResponse({ resources, totalResults: resources.length, startIndex: 1 });
};
