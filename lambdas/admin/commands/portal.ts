import { createPortalLink, revokePortalLinks } from '../../operations/connection/portal-links';
import { defineCommand, printJson, TENANT_ARG } from '../command';
import { serviceBaseOf } from '../target';

/** `portal …`: the connection page's setup links (docs/operations.md "Setup links"). */
export const PORTAL_COMMANDS = [
  defineCommand({
    name: 'portal link',
    args: [TENANT_ARG],
    options: {
      'expires-in': { type: 'string', value: '7d', help: 'The link works this long (30m, 12h, 7d; at most 30d).' },
    },
    help: 'Makes a setup link to the connection page; prints exactly one line, Portal: <url> (tools read it).',
    note: '(prints "Portal: <url>"; at most 30d)',
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      const link = await createPortalLink(deps, tenantId, serviceBaseOf(target), values['expires-in'] || undefined);
      if (values.json) return printJson(io, link);
      io.out(`Portal: ${link.url}`);
    },
  }),
  defineCommand({
    name: 'portal revoke',
    args: [TENANT_ARG],
    options: {},
    help: 'Ends every setup link and portal session of the tenant at once.',
    note: '(every setup link and portal session of the tenant stops working)',
    async run({ args: [tenantId = ''], values, deps, io }) {
      const tenant = await revokePortalLinks(deps, tenantId);
      if (values.json) return printJson(io, { tenantId, linkGeneration: tenant.portal?.linkGeneration ?? 0 });
      io.out(
        `Setup links and portal sessions of "${tenantId}" are revoked: they stop working at once. Make a new link with "portal link ${tenantId}".`,
      );
    },
  }),
];
