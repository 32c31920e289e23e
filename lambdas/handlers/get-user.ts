import { defineOperation } from '../http/define-operation';
import { getUser } from '../operations/get-user';

export const handler = defineOperation('getUser', getUser);
