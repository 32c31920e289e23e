import { defineOperation } from '../http/define-operation';
import { listSchemas } from '../operations/scim/discovery/list-schemas';

export const handler = defineOperation('listSchemas', listSchemas);
