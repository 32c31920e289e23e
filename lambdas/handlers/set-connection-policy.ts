import { defineConnectionOperation } from '../http/define-connection-operation';
import { setConnectionPolicy } from '../operations/connection/connection-settings';

export const handler = defineConnectionOperation('setConnectionPolicy', setConnectionPolicy);
