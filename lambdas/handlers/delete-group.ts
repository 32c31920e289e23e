import { defineOperation } from '../http/define-operation';
import { deleteGroup } from '../operations/delete-group';

export const handler = defineOperation('deleteGroup', deleteGroup);
