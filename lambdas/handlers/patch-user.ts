import { defineOperation } from '../http/define-operation';
import { patchUser } from '../operations/scim/users/patch-user';

export const handler = defineOperation('patchUser', patchUser);
