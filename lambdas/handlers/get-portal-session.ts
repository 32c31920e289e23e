import { defineConnectionOperation } from '../http/define-connection-operation';
import { getPortalSession } from '../operations/connection/portal-links';

export const handler = defineConnectionOperation('getPortalSession', getPortalSession);
