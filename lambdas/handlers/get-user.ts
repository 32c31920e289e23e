import { defineOperation } from '../http/define-operation';
import { getUser } from '../operations/scim/users/get-user';

export const handler = defineOperation('getUser', getUser);
