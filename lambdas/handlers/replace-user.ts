import { defineOperation } from '../http/define-operation';
import { replaceUser } from '../operations/replace-user';

export const handler = defineOperation('replaceUser', replaceUser);
