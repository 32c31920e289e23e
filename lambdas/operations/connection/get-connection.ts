import { describeConnection } from './connection-view';
import { tenantOf, tenantUrlOfRequest, type ConnectionOperation } from './request';

/** GET …/{tenantId}: the connection's facts (the same as `scim-admin tenant show`). */
export const getConnection: ConnectionOperation = async (request, deps) => ({
  status: 200,
  body: await describeConnection(deps, tenantOf(request), tenantUrlOfRequest(request)),
});
