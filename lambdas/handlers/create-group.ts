import { defineOperation } from '../http/define-operation';
import { createGroup } from '../operations/create-group';

export const handler = defineOperation('createGroup', createGroup);
