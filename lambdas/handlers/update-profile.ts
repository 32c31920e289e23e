import { defineOperation } from '../http/define-operation';
import { updateProfile } from '../operations/profiles/update-profile';

export const handler = defineOperation('updateProfile', updateProfile);
