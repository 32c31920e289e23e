import { defineOperation } from '../http/define-operation';
import { replaceGroup } from '../operations/scim/groups/replace-group';

export const handler = defineOperation('replaceGroup', replaceGroup);
