import { defineOperation } from '../http/define-operation';
import { listSchemas } from '../operations/list-schemas';

export const handler = defineOperation('listSchemas', listSchemas);
