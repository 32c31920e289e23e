import { defineOperation } from '../http/define-operation';
import { createUser } from '../operations/scim/users/create-user';

export const handler = defineOperation('createUser', createUser);
