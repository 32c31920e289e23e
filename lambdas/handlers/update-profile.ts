import { defineOperation } from '../http/define-operation';
import { updateProfile } from '../operations/profile-api';

export const handler = defineOperation('updateProfile', updateProfile);
