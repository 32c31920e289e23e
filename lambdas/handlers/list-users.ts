import { defineOperation } from '../http/define-operation';
import { listUsers } from '../operations/list-users';

export const handler = defineOperation('listUsers', listUsers);
