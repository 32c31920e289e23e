import { defineOperation } from '../http/define-operation';
import { patchGroup } from '../operations/scim/groups/patch-group';

export const handler = defineOperation('patchGroup', patchGroup);
