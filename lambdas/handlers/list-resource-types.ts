import { defineOperation } from '../http/define-operation';
import { listResourceTypes } from '../operations/scim/discovery/list-resource-types';

export const handler = defineOperation('listResourceTypes', listResourceTypes);
