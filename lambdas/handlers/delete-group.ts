import { defineOperation } from '../http/define-operation';
import { deleteGroup } from '../operations/scim/groups/delete-group';

export const handler = defineOperation('deleteGroup', deleteGroup);
