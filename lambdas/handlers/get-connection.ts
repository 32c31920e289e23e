import { defineConnectionOperation } from '../http/define-connection-operation';
import { getConnection } from '../operations/connection/get-connection';

export const handler = defineConnectionOperation('getConnection', getConnection);
