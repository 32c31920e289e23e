import { defineConnectionOperation } from '../http/define-connection-operation';
import { listConnectionTokens } from '../operations/connection/connection-tokens';

export const handler = defineConnectionOperation('listConnectionTokens', listConnectionTokens);
