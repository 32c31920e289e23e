import { resourceType } from '../../../scim/discovery';
import type { Operation } from '../../request';

/** GET /ResourceTypes/{id} (RFC 7644 §4). */
export const getResourceType: Operation = async (request) => ({
  status: 200,
  body: resourceType(request.pathParameters.id ?? '', request.tenantUrl),
});
