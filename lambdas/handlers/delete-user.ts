import { defineOperation } from '../http/define-operation';
import { deleteUser } from '../operations/scim/users/delete-user';

export const handler = defineOperation('deleteUser', deleteUser);
