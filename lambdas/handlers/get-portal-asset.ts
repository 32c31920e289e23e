import { defineWebOperation } from '../http/define-web-operation';
import { getPortalAsset } from '../operations/connection/portal-ui';

export const handler = defineWebOperation('getPortalAsset', getPortalAsset);
