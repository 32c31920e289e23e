import { defineOperation } from '../http/define-operation';
import { getProfile } from '../operations/profiles/get-profile';

export const handler = defineOperation('getProfile', getProfile);
