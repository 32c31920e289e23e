import { defineOperation } from '../http/define-operation';
import { listGroupProfiles } from '../operations/profiles/list-group-profiles';

export const handler = defineOperation('listGroupProfiles', listGroupProfiles);
