import { defineOperation } from '../http/define-operation';
import { getResourceType } from '../operations/scim/discovery/get-resource-type';

export const handler = defineOperation('getResourceType', getResourceType);
