import { defineConnectionOperation } from '../http/define-connection-operation';
import { revokePortalLinksRoute } from '../operations/connection/portal-links';

export const handler = defineConnectionOperation('revokePortalLinks', revokePortalLinksRoute);
