import { defineOperation } from '../http/define-operation';
import { listUsers } from '../operations/scim/users/list-users';

export const handler = defineOperation('listUsers', listUsers);
