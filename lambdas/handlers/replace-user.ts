import { defineOperation } from '../http/define-operation';
import { replaceUser } from '../operations/scim/users/replace-user';

export const handler = defineOperation('replaceUser', replaceUser);
