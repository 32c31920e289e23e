import { serviceProviderConfig } from '../../../scim/discovery';
import type { Operation } from '../../request';

/** GET /ServiceProviderConfig (RFC 7644 §4): the same document for every tenant. */
export const getServiceProviderConfig: Operation = async (request) => ({
  status: 200,
  body: serviceProviderConfig(request.tenantUrl),
});
