import { defineOperation } from '../http/define-operation';
import { getServiceProviderConfig } from '../operations/get-service-provider-config';

export const handler = defineOperation('getServiceProviderConfig', getServiceProviderConfig);
