import { defineOperation } from '../http/define-operation';
import { getSchema } from '../operations/scim/discovery/get-schema';

export const handler = defineOperation('getSchema', getSchema);
