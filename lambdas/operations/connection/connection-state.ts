import { ScimError } from '../../scim/errors';
import { disconnectTenant, reconnectTenant } from '../tenants/tenant-admin';
import { asConnectionCall, recordAction } from './actions';
import { describeConnection } from './connection-view';
import { tenantOf, tenantUrlBaseOfRequest, tenantUrlOfRequest, type ConnectionOperation } from './request';

/**
 * POST …/disconnect: revokes every token (Entra gets 401 within 30 s) and turns every account into a
 * manual account, editable in the product (`Tenant Disconnected`, docs/ownership.md).
 */
export const disconnectConnection: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  if (tenant.status === 'disconnected') throw new ScimError(409, 'The connection is already disconnected.');
  const updated = await asConnectionCall(409, () =>
    disconnectTenant(deps, tenant.tenantId, { tenantUrlBase: tenantUrlBaseOfRequest(request) }),
  );
  await recordAction(deps, request, {
    operation: 'disconnect',
    status: 200,
    resourceType: 'Tenant',
    detail: 'Disconnected: tokens revoked, accounts are manual accounts now',
  });
  return { status: 200, body: await describeConnection(deps, updated, tenantUrlOfRequest(request)) };
};

/** POST …/reconnect: connects again with a new token (shown once); Entra re-matches users by userName. */
export const reconnectConnection: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  if (tenant.status === 'connected')
    throw new ScimError(409, 'The connection is connected already: generate a token instead.');
  const issued = await asConnectionCall(409, () =>
    reconnectTenant(deps, tenant.tenantId, { label: 'reconnect', tenantUrlBase: tenantUrlBaseOfRequest(request) }),
  );
  await recordAction(deps, request, {
    operation: 'reconnect',
    status: 200,
    resourceType: 'Tenant',
    resourceId: issued.record.id,
    detail: 'Reconnected with a new token',
  });
  return {
    status: 200,
    body: {
      token: issued.token,
      tokenId: issued.record.id,
      label: issued.record.label,
      createdAt: issued.record.createdAt,
      expiresAt: null,
      tenantUrl: tenantUrlOfRequest(request),
      connection: await describeConnection(deps, issued.tenant, tenantUrlOfRequest(request)),
    },
  };
};
