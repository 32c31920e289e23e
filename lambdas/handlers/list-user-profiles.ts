import { defineOperation } from '../http/define-operation';
import { listUserProfiles } from '../operations/profiles/list-user-profiles';

export const handler = defineOperation('listUserProfiles', listUserProfiles);
