import { defineOperation } from '../http/define-operation';
import { listResourceTypes } from '../operations/list-resource-types';

export const handler = defineOperation('listResourceTypes', listResourceTypes);
