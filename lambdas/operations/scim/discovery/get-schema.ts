import { schema } from '../../../scim/discovery';
import type { Operation } from '../../request';
import { userTypeOf } from '../../profiles/tenant-schema';

/** GET /Schemas/{id} with a schema URN as id (RFC 7644 §4). */
export const getSchema: Operation = async (request) => ({
  status: 200,
  body: schema(request.pathParameters.id ?? '', request.tenantUrl, userTypeOf(request)),
});
