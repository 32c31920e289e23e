import { defineOperation } from '../http/define-operation';
import { listGroupProfiles } from '../operations/profile-api';

export const handler = defineOperation('listGroupProfiles', listGroupProfiles);
