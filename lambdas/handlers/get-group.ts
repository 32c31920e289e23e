import { defineOperation } from '../http/define-operation';
import { getGroup } from '../operations/scim/groups/get-group';

export const handler = defineOperation('getGroup', getGroup);
