import type { GraphSource } from '../../operations/graph-sync/sync-ports';
import { isLoopbackHost, type ConnectorRecord } from '../../sync/connector';
import { parseDeltaPage, pathOf, type DeltaPage } from '../../sync/delta';
import { ResyncRequired, SyncError } from '../../sync/errors';

export interface GraphClientOptions {
  readonly fetch?: typeof fetch;
  /** Waits `ms` (tests pass one that returns at once and records the wait). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1): the jitter of the back-off. */
  readonly random?: () => number;
  /** Epoch ms (token expiry, Retry-After dates). */
  readonly now?: () => number;
  /** Tries of one request before a throttled or failing Graph fails the run. @default 8 */
  readonly maxAttempts?: number;
  /** Longest single wait, whatever Retry-After says. @default 120,000 ms */
  readonly maxDelayMs?: number;
  /** Per-request timeout. @default 60,000 ms */
  readonly timeoutMs?: number;
}

/** Statuses worth another try: throttling (429), Graph busy (503, 504) and other server faults. */
const RETRIABLE = new Set([429, 500, 502, 503, 504]);

/** Back-off without Retry-After: full jitter over 1 s doubling per try (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
const BASE_DELAY_MS = 1_000;

interface GraphErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string } | string;
  readonly error_description?: string;
  readonly error_codes?: readonly number[];
}

function parseJson(text: string): GraphErrorBody {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as GraphErrorBody) : {};
  } catch {
    return {};
  }
}

/** The AADSTS code of a token-endpoint error (`AADSTS7000222: The provided client secret keys are expired…`). */
function aadstsOf(body: GraphErrorBody): string | undefined {
  const fromCodes = body.error_codes?.[0];
  if (fromCodes !== undefined) return `AADSTS${fromCodes}`;
  return /AADSTS\d+/.exec(body.error_description ?? '')?.[0];
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** The origin of a link for a message (never its query: delta and skip tokens stay out of messages). */
function originOf(link: string | null): string {
  try {
    return new URL(link ?? '').origin;
  } catch {
    return 'an invalid URL';
  }
}

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Microsoft Graph over HTTPS with the client-credentials grant (Microsoft identity platform, "OAuth
 * 2.0 client credentials flow"): a token from `<login>/<tenant>/oauth2/v2.0/token` for
 * `<graph>/.default`, kept until shortly before it expires. Every request goes to the connector's
 * Graph origin only (a nextLink elsewhere is refused, so a token never leaves for another host),
 * over https unless that origin is this machine. Throttling (429, 503) waits Retry-After, else
 * backs off with jitter, and retries the same page; 410 and expired sync state raise ResyncRequired.
 */
export class GraphHttpClient implements GraphSource {
  readonly stats = { requests: 0, throttled: 0 };
  private token?: { value: string; expiresAt: number };
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly graphOrigin: string;

  constructor(
    private readonly connector: Pick<ConnectorRecord, 'graphUrl' | 'loginUrl' | 'entraTenantId' | 'clientId'>,
    private readonly clientSecret: string,
    options: GraphClientOptions = {},
  ) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.maxDelayMs = options.maxDelayMs ?? 120_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.graphOrigin = GraphHttpClient.trustedOrigin(connector.graphUrl, '--graph-url');
    GraphHttpClient.trustedOrigin(connector.loginUrl, '--login-url');
  }

  private static trustedOrigin(root: string, option: string): string {
    const url = new URL(root);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new SyncError(
        'untrustedLink',
        `${option} ${url.origin} is not https: the service only calls Graph and the authority over HTTPS.`,
      );
    }
    return url.origin;
  }

  /** One delta page; throws SyncError (the run fails with it) or ResyncRequired. */
  async page(url: string): Promise<DeltaPage> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new SyncError('untrustedLink', 'A delta link is not a URL: the run stopped.');
    }
    if (target.origin !== this.graphOrigin) {
      throw new SyncError(
        'untrustedLink',
        `Graph sent a link to ${target.origin}, not to ${this.graphOrigin}: refused (the access token goes to the configured Graph only).`,
      );
    }
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.accessToken();
      const response = await this.send(
        url,
        { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
        attempt,
      );
      if (response === undefined) continue;
      if (response.status === 200) return this.trusted(parseDeltaPage(await response.text(), url));
      if (isRedirect(response.status))
        throw new SyncError(
          'graphError',
          `Graph answered ${pathOf(url)} with a redirect (${response.status}) to ${originOf(response.headers.get('location'))}: not followed (the access token goes to the configured Graph only).`,
        );
      const body = parseJson(await response.text());
      const code = typeof body.error === 'object' ? (body.error.code ?? '') : (body.error ?? '');
      if (
        response.status === 410 ||
        /syncStateNotFound|resyncRequired|syncStateInvalid|InvalidDeltaToken/i.test(code)
      ) {
        const location = response.headers.get('location') ?? undefined;
        throw new ResyncRequired(location !== undefined && this.isGraphLink(location) ? location : undefined);
      }
      if (response.status === 401 && !refreshed) {
        // The token may have expired in flight: sign in again once.
        this.token = undefined;
        refreshed = true;
        continue;
      }
      if (response.status === 401)
        throw new SyncError('unauthorized', `Graph refused the access token for ${pathOf(url)} (401 ${code}).`);
      if (response.status === 403) {
        throw new SyncError(
          'consentNotGranted',
          `Graph refused ${pathOf(url)} (403 ${code || 'Forbidden'}): grant admin consent for the application permissions User.Read.All and GroupMember.Read.All to app ${this.connector.clientId} in Entra.`,
        );
      }
      if (RETRIABLE.has(response.status) && attempt < this.maxAttempts) {
        await this.wait(response, attempt);
        continue;
      }
      if (response.status === 429 || response.status === 503)
        throw new SyncError(
          'throttled',
          `Graph kept throttling ${pathOf(url)} (${response.status}) after ${attempt} tries: the next run resumes from this page.`,
        );
      if (RETRIABLE.has(response.status))
        throw new SyncError(
          'graphUnavailable',
          `Graph kept failing on ${pathOf(url)} (${response.status}) after ${attempt} tries: the next run resumes from this page.`,
        );
      throw new SyncError('graphError', `Graph answered ${pathOf(url)} with ${response.status} ${code}`.trim() + '.');
    }
  }

  /**
   * Refuses a page whose nextLink or deltaLink leaves the configured Graph: such a link would carry
   * the access token elsewhere, and checked only when followed it would be kept as the run's
   * checkpoint, so every later run would resume at it and fail.
   */
  private trusted(page: DeltaPage): DeltaPage {
    for (const link of [page.nextLink, page.deltaLink]) {
      if (link !== undefined && !this.isGraphLink(link))
        throw new SyncError(
          'untrustedLink',
          `Graph sent a link to ${originOf(link)}, not to ${this.graphOrigin}: refused (the access token goes to the configured Graph only); the next run retries this page.`,
        );
    }
    return page;
  }

  private isGraphLink(link: string): boolean {
    try {
      return new URL(link).origin === this.graphOrigin;
    } catch {
      return false;
    }
  }

  /** Sends one request; undefined when it should be retried after a network fault (already waited). */
  private async send(url: string, init: RequestInit, attempt: number): Promise<Response | undefined> {
    this.stats.requests += 1;
    try {
      // A redirect is never followed: fetch would resend the Authorization header or the form with
      // the client secret (a 307 keeps the body) to wherever Location points.
      return await this.fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      if (attempt >= this.maxAttempts)
        throw new SyncError(
          'graphUnavailable',
          `Could not reach ${new URL(url).origin} after ${attempt} tries (${(error as Error).name}).`,
        );
      await this.sleep(this.backoff(attempt));
      return undefined;
    }
  }

  private backoff(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.maxDelayMs, BASE_DELAY_MS * 2 ** (attempt - 1)));
  }

  private async wait(response: Response, attempt: number): Promise<void> {
    if (response.status === 429 || response.status === 503) this.stats.throttled += 1;
    const after = retryAfterMs(response.headers.get('retry-after'), this.now());
    await this.sleep(Math.min(this.maxDelayMs, after ?? this.backoff(attempt)));
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return this.token.value;
    const tokenUrl = `${this.connector.loginUrl}/${encodeURIComponent(this.connector.entraTenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({
      client_id: this.connector.clientId,
      client_secret: this.clientSecret,
      scope: `${this.connector.graphUrl}/.default`,
      grant_type: 'client_credentials',
    });
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.send(
        tokenUrl,
        { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body },
        attempt,
      );
      if (response === undefined) continue;
      const text = await response.text();
      const parsed = parseJson(text) as GraphErrorBody & { access_token?: unknown; expires_in?: unknown };
      if (response.status === 200 && typeof parsed.access_token === 'string') {
        const seconds = Number(parsed.expires_in ?? 3599);
        // Renew five minutes early so a token never expires between being read and being used.
        this.token = {
          value: parsed.access_token,
          expiresAt: this.now() + Math.max(60, (Number.isFinite(seconds) ? seconds : 3599) - 300) * 1000,
        };
        return this.token.value;
      }
      if (RETRIABLE.has(response.status) && attempt < this.maxAttempts) {
        await this.wait(response, attempt);
        continue;
      }
      if (isRedirect(response.status))
        throw new SyncError(
          'invalidClient',
          `The authority answered the sign-in with a redirect (${response.status}) to ${originOf(response.headers.get('location'))}: not followed (the client secret goes to the configured --login-url only).`,
        );
      throw this.tokenError(response.status, parsed);
    }
  }

  /** A clear sign-in error from the authority's answer; it never repeats the secret (the authority's text does not hold it). */
  private tokenError(status: number, body: GraphErrorBody): SyncError {
    const aadsts = aadstsOf(body);
    const app = `app ${this.connector.clientId} in Entra tenant ${this.connector.entraTenantId}`;
    switch (aadsts) {
      case 'AADSTS7000222':
        return new SyncError(
          'secretExpired',
          `The client secret of ${app} has expired (AADSTS7000222): create a new secret in Entra and run "sync connect" again with it.`,
        );
      case 'AADSTS7000215':
        return new SyncError(
          'invalidClient',
          `Entra refused the client secret of ${app} (AADSTS7000215, wrong secret): use the secret's value, not its id, with "sync connect".`,
        );
      case 'AADSTS700016':
        return new SyncError(
          'invalidClient',
          `Entra knows no application ${this.connector.clientId} in tenant ${this.connector.entraTenantId} (AADSTS700016): check --client-id and --entra-tenant.`,
        );
      case 'AADSTS90002':
      case 'AADSTS900023':
        return new SyncError(
          'tenantNotFound',
          `Entra has no tenant "${this.connector.entraTenantId}" (${aadsts}): check --entra-tenant.`,
        );
      default: {
        const error = typeof body.error === 'string' ? body.error : 'unknown_error';
        return new SyncError(
          'invalidClient',
          `Signing in to Entra as ${app} failed (${status} ${error}${aadsts ? ` ${aadsts}` : ''}).`,
        );
      }
    }
  }
}
