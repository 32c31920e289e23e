import { defineConnectionOperation } from '../http/define-connection-operation';
import { issueConnectionToken } from '../operations/connection/connection-tokens';

export const handler = defineConnectionOperation('issueConnectionToken', issueConnectionToken);
