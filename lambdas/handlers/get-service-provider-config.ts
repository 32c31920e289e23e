import { defineOperation } from '../http/define-operation';
import { getServiceProviderConfig } from '../operations/scim/discovery/get-service-provider-config';

export const handler = defineOperation('getServiceProviderConfig', getServiceProviderConfig);
