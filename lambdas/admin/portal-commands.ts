import type { Dependencies } from '../operations/ports';
import { createPortalLink, revokePortalLinks } from '../operations/connection/portal-links';
import type { Target } from './target';

/** The CLI lines of the connection page (docs/operations.md "Setup links"). */
export const PORTAL_USAGE = `  portal link <tenant> [--expires-in 7d] (prints "Portal: <url>"; at most 30d)
  portal revoke <tenant> (every setup link and portal session of the tenant stops working)`;

/** Where the service's URLs start for a target: its Tenant URL base without `/scim/v2`. */
export function serviceBaseOf(target: Target): string {
  return target.tenantUrlBase.replace(/\/scim\/v2$/, '');
}

/**
 * `portal link` and `portal revoke`. `portal link` prints exactly one line, `Portal: <url>`, which
 * tools read (keep it exact); `--json` prints `{url, expiresAt}` instead.
 */
export async function runPortalCommand(
  command: string,
  tenantId: string,
  options: { readonly expiresIn?: string; readonly json: boolean },
  target: Target,
  deps: Dependencies,
  out: (line: string) => void,
): Promise<void> {
  if (command === 'portal link') {
    const link = await createPortalLink(deps, tenantId, serviceBaseOf(target), options.expiresIn);
    out(options.json ? JSON.stringify(link, null, 2) : `Portal: ${link.url}`);
    return;
  }
  const tenant = await revokePortalLinks(deps, tenantId);
  if (options.json) out(JSON.stringify({ tenantId, linkGeneration: tenant.portal?.linkGeneration ?? 0 }, null, 2));
  else out(`Setup links and portal sessions of "${tenantId}" are revoked: they stop working at once. Make a new link with "portal link ${tenantId}".`);
}
