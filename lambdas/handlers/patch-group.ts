import { defineOperation } from '../http/define-operation';
import { patchGroup } from '../operations/patch-group';

export const handler = defineOperation('patchGroup', patchGroup);
