import { defineConnectionOperation } from '../http/define-connection-operation';
import { getConnectionSettings } from '../operations/connection/connection-settings';

export const handler = defineConnectionOperation('getConnectionSettings', getConnectionSettings);
