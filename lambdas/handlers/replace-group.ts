import { defineOperation } from '../http/define-operation';
import { replaceGroup } from '../operations/replace-group';

export const handler = defineOperation('replaceGroup', replaceGroup);
