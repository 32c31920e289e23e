import type { TenantUrlProbe } from '../../operations/connection/request';

/** How long the test connection waits for the Tenant URL: inside the function's 10 s, like Entra's own patience. */
export const PROBE_TIMEOUT_MS = 8_000;
/** The most of an answer the probe reads: a ListResponse or an error body is far smaller. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Calls a Tenant URL with fetch, as a SCIM client does (Bearer token, SCIM media type). */
export class FetchTenantUrlProbe implements TenantUrlProbe {
  constructor(private readonly timeoutMs: number = PROBE_TIMEOUT_MS) {}

  async get(url: string, token: string): Promise<{ status: number; body: string }> {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/scim+json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = await response.text();
    return { status: response.status, body: body.slice(0, MAX_ANSWER_BYTES) };
  }
}
