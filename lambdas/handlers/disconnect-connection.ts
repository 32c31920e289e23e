import { defineConnectionOperation } from '../http/define-connection-operation';
import { disconnectConnection } from '../operations/connection/connection-state';

export const handler = defineConnectionOperation('disconnectConnection', disconnectConnection);
