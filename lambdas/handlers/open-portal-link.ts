import { defineConnectionOperation } from '../http/define-connection-operation';
import { openPortalLink } from '../operations/connection/portal-links';

export const handler = defineConnectionOperation('openPortalLink', openPortalLink);
