import { defineOperation } from '../http/define-operation';
import { createUser } from '../operations/create-user';

export const handler = defineOperation('createUser', createUser);
