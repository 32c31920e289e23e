import { defineConnectionOperation } from '../http/define-connection-operation';
import { endPortalSession } from '../operations/connection/portal-links';

export const handler = defineConnectionOperation('endPortalSession', endPortalSession);
