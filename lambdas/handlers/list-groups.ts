import { defineOperation } from '../http/define-operation';
import { listGroups } from '../operations/scim/groups/list-groups';

export const handler = defineOperation('listGroups', listGroups);
