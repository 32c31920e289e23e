import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Dependencies } from '../operations/ports';
import { createTenant, issueToken, revokeToken } from '../operations/tenants/tenant-admin';
import { isLiveToken, matchToken } from '../tenancy/tenant';

/**
 * Makes sure `tenantId` exists and returns a token that works for it. Local mode only: the demo
 * token's plaintext is kept in a git-ignored file so a restart can print a working token again;
 * in AWS a token's plaintext is never stored anywhere.
 */
export async function ensureDemoTenant(deps: Dependencies, tenantId: string, tokenFile: string): Promise<string> {
  const saved = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined;
  let tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) {
    const issued = await createTenant(deps, tenantId, { displayName: 'Demo tenant', label: 'npm start' });
    writeFileSync(tokenFile, issued.token, { mode: 0o600 });
    return issued.token;
  }
  const ring = await deps.tokenKeys.getKeyRing();
  if (saved && matchToken(tenant, saved, ring, deps.clock.now())) return saved;
  // The saved token no longer works (revoked, expired, or the file was removed): issue a new one,
  // revoking the oldest live token first if the tenant is at its limit.
  const live = tenant.tokens.filter((token) => isLiveToken(token, deps.clock.now()));
  if (live.length >= 2 && live[0]) tenant = await revokeToken(deps, tenantId, live[0].id);
  const issued = await issueToken(deps, tenantId, { label: 'npm start' });
  writeFileSync(tokenFile, issued.token, { mode: 0o600 });
  return issued.token;
}
