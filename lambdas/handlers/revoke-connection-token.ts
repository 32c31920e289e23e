import { defineConnectionOperation } from '../http/define-connection-operation';
import { revokeConnectionToken } from '../operations/connection/connection-tokens';

export const handler = defineConnectionOperation('revokeConnectionToken', revokeConnectionToken);
