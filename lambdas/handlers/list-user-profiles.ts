import { defineOperation } from '../http/define-operation';
import { listUserProfiles } from '../operations/list-user-profiles';

export const handler = defineOperation('listUserProfiles', listUserProfiles);
