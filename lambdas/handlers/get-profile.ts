import { defineOperation } from '../http/define-operation';
import { getProfile } from '../operations/profile-api';

export const handler = defineOperation('getProfile', getProfile);
