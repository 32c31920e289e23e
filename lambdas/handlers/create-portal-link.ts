import { defineConnectionOperation } from '../http/define-connection-operation';
import { createPortalLinkRoute } from '../operations/connection/portal-links';

export const handler = defineConnectionOperation('createPortalLink', createPortalLinkRoute);
