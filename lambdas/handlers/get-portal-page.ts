import { defineWebOperation } from '../http/define-web-operation';
import { getPortalPage } from '../operations/connection/portal-ui';

export const handler = defineWebOperation('getPortalPage', getPortalPage);
