import type { AccessTokenSubject } from '../../tenancy/access-token-claims';
import { signAccessToken } from '../../tenancy/access-tokens';
import { clientsOf, matchClientSecret } from '../../tenancy/oauth-clients';
import { GRANT_JWT_BEARER, OAuthError, parseTokenRequest, type TokenRequest } from '../../tenancy/oauth-request';
import type { LogEntry } from '../../tenancy/provisioning-log';
import { isValidTenantId, type TenantRecord } from '../../tenancy/tenant';
import type { TokenKeyRing } from '../../tenancy/tokens';
import { verifyClientAssertion, type AssertionDeps } from './client-assertions';
import type { Dependencies } from '../ports';

/** A request to an OAuth endpoint, free of API Gateway's shapes. */
export interface OAuthRequest {
  readonly tenantId: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as received (base64 already decoded). */
  readonly body?: string;
  readonly requestId: string;
  /** This tenant's authorization server issuer URL, e.g. `https://host/oauth2/v1/acme` (RFC 8414 §2). */
  readonly issuer: string;
}

export interface OAuthResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the OAuth endpoints may touch. */
export interface OAuthDependencies
  extends Pick<Dependencies, 'tenants' | 'tokenKeys' | 'clock' | 'log'>, AssertionDeps {
  readonly accessTokenLifetimeSeconds: number;
}

export type OAuthOperation = (request: OAuthRequest, deps: OAuthDependencies) => Promise<OAuthResponse>;

/** RFC 6749 §5.1: token responses (and their errors) must not be cached. */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;
const AUTHENTICATION_FAILED =
  'Client authentication failed: unknown client, wrong secret, or a revoked or expired client.';
/** Refusals are logged at most this often per tenant and error per container, so a flood writes little. */
const REFUSAL_LOG_INTERVAL_MS = 1_000;
const refusalsLogged = new Map<string, number>();

/** The RFC 6749 §5.2 error response; invalid_client carries WWW-Authenticate (401). */
export function oauthErrorResponse(error: OAuthError): OAuthResponse {
  return {
    status: error.status,
    body: { error: error.error, error_description: error.description },
    headers: {
      ...NO_STORE,
      ...(error.status === 401 ? { 'WWW-Authenticate': `Basic realm="scim", error="${error.error}"` } : {}),
    },
  };
}

async function authenticateClient(
  request: TokenRequest,
  tenant: TenantRecord | undefined,
  tenantId: string,
  ring: TokenKeyRing,
  deps: OAuthDependencies,
): Promise<{ subject: AccessTokenSubject; who: string }> {
  const now = deps.clock.now();
  const { credential } = request;
  if (credential.kind === 'secret') {
    const client = tenant
      ? matchClientSecret(clientsOf(tenant), credential.clientId, credential.clientSecret, ring, now)
      : undefined;
    if (!client) throw new OAuthError('invalid_client', AUTHENTICATION_FAILED);
    return {
      subject: { kind: 'client', clientId: client.clientId },
      who: `client ${client.clientId} ("${client.label}")`,
    };
  }
  const federation = tenant?.federation;
  if (
    credential.clientId !== undefined &&
    federation &&
    credential.clientId !== federation.subject &&
    credential.clientId !== federation.audience
  ) {
    // RFC 7521 §4.2: a client_id beside an assertion must name the same client.
    throw new OAuthError('invalid_client', 'client_id does not name the client the assertion is about.');
  }
  const { subject } = await verifyClientAssertion(deps, tenantId, federation, credential.assertion, now);
  return {
    subject: { kind: 'federation', federationId: (federation as NonNullable<typeof federation>).id, subject },
    who: `federated subject ${subject}`,
  };
}

async function appendLog(deps: OAuthDependencies, entry: LogEntry): Promise<void> {
  await deps.log.append(entry).catch(() => undefined);
}

/**
 * The token endpoint (RFC 6749 §4.4 client credentials; RFC 7523 JWT client assertions and the JWT
 * bearer grant): authenticates the client against the tenant record (read fresh, so a revoked client
 * gets no new token) and answers a signed access token. Grants and refusals of a known tenant go
 * to its provisioning log, never with a secret or an assertion.
 */
export const issueAccessToken: OAuthOperation = async (request, deps) => {
  const tenantId = request.tenantId;
  let tenant: TenantRecord | undefined;
  let grant: TokenRequest | undefined;
  try {
    grant = parseTokenRequest({
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      body: request.body,
    });
    tenant = isValidTenantId(tenantId) ? await deps.tenants.getTenant(tenantId) : undefined;
    const trusted = tenant?.status === 'connected' ? tenant : undefined;
    const ring = await deps.tokenKeys.getKeyRing();
    const { subject, who } = await authenticateClient(grant, trusted, tenantId, ring, deps);
    const now = deps.clock.now();
    const { token, expiresIn } = await signAccessToken(
      { tenantId, subject, lifetimeSeconds: deps.accessTokenLifetimeSeconds },
      ring,
      now,
    );
    await appendLog(deps, {
      tenantId,
      at: now.toISOString(),
      requestId: request.requestId,
      operation: 'issueAccessToken',
      status: 200,
      detail: `${grant.grantType} grant to ${who}; expires in ${expiresIn} s`,
    });
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: grant.scope.join(' ') },
      headers: NO_STORE,
    };
  } catch (caught) {
    if (!(caught instanceof OAuthError)) throw caught;
    // RFC 7523 §3.1: a bad assertion presented as the grant itself is invalid_grant.
    const error =
      grant?.grantType === GRANT_JWT_BEARER && caught.error === 'invalid_client'
        ? new OAuthError('invalid_grant', caught.description)
        : caught;
    if (tenant) await logRefusal(deps, request, error);
    return oauthErrorResponse(error);
  }
};

async function logRefusal(deps: OAuthDependencies, request: OAuthRequest, error: OAuthError): Promise<void> {
  const now = deps.clock.now();
  const key = `${request.tenantId}\u0000${error.error}`;
  if (now.getTime() - (refusalsLogged.get(key) ?? 0) < REFUSAL_LOG_INTERVAL_MS) return;
  if (refusalsLogged.size > 1000) refusalsLogged.clear();
  refusalsLogged.set(key, now.getTime());
  await appendLog(deps, {
    tenantId: request.tenantId,
    at: now.toISOString(),
    requestId: request.requestId,
    operation: 'issueAccessToken',
    status: error.status,
    detail: `${error.error}: ${error.description}`.slice(0, 500),
  });
}
