import { defineOperation } from '../http/define-operation';
import { listGroups } from '../operations/list-groups';

export const handler = defineOperation('listGroups', listGroups);
