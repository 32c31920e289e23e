import { defineOperation } from '../http/define-operation';
import { createGroup } from '../operations/scim/groups/create-group';

export const handler = defineOperation('createGroup', createGroup);
