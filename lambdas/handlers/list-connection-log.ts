import { defineConnectionOperation } from '../http/define-connection-operation';
import { listConnectionLog } from '../operations/connection/list-connection-log';

export const handler = defineConnectionOperation('listConnectionLog', listConnectionLog);
