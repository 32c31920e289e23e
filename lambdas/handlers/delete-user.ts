import { defineOperation } from '../http/define-operation';
import { deleteUser } from '../operations/delete-user';

export const handler = defineOperation('deleteUser', deleteUser);
