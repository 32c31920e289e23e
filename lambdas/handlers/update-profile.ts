import { defineOperation } from '../http/define-operation';
import { updateProfile } from '../operations/update-profile';

export const handler = defineOperation('updateProfile', updateProfile);
