import { defineOperation } from '../http/define-operation';
import { getGroup } from '../operations/get-group';

export const handler = defineOperation('getGroup', getGroup);
