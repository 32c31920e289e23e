import { defineConnectionOperation } from '../http/define-connection-operation';
import { testConnection } from '../operations/connection/test-connection';

export const handler = defineConnectionOperation('testConnection', testConnection);
