import { defineConnectionOperation } from '../http/define-connection-operation';
import { reconnectConnection } from '../operations/connection/connection-state';

export const handler = defineConnectionOperation('reconnectConnection', reconnectConnection);
