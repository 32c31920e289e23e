import { defineConnectionOperation } from '../http/define-connection-operation';
import { setConnectionMapping } from '../operations/connection/connection-settings';

export const handler = defineConnectionOperation('setConnectionMapping', setConnectionMapping);
