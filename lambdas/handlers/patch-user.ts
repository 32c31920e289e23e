import { defineOperation } from '../http/define-operation';
import { patchUser } from '../operations/patch-user';

export const handler = defineOperation('patchUser', patchUser);
