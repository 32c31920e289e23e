import { defineOperation } from '../http/define-operation';
import { getSchema } from '../operations/get-schema';

export const handler = defineOperation('getSchema', getSchema);
