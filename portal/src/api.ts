import type { ConnectionErrorBody } from '../../lambdas/contracts/connection';
import { CSRF_HEADER } from '../../lambdas/contracts/portal';

/** A refusal from the page's API, with the server's own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The page's API client: same-origin fetches carrying the session cookie, and the CSRF token on writes. */
export class PortalApi {
  private csrfToken = '';

  constructor(readonly base: string) {}

  useCsrfToken(token: string): void {
    this.csrfToken = token;
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method !== 'GET') headers[CSRF_HEADER] = this.csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const detail = (parsed as ConnectionErrorBody | undefined)?.detail ?? `HTTP ${response.status}`;
      throw new ApiError(response.status, detail);
    }
    return parsed as T;
  }
}

/** `2026-12-01T09:30:12.345Z` → `2026-12-01 09:30 UTC`; the exact time is in the element's title. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
