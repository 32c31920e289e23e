/**
 * The token endpoint's request grammar (RFC 6749 §3.2, §4.4, §2.3.1; RFC 7521 §4.2; RFC 7523 §2.1),
 * parsed before anything is looked up: a request that parses is well-formed, nothing more.
 */

/** RFC 6749 §5.2 error codes (and RFC 7523 §3.1's use of invalid_grant). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** A refusal the token endpoint answers as RFC 6749 §5.2 JSON: 401 for invalid_client, else 400. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }

  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

export const GRANT_CLIENT_CREDENTIALS = 'client_credentials';
export const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const CLIENT_ASSERTION_TYPE_JWT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The one scope there is: the tenant's SCIM API. A token request may leave scope out. */
export const SCOPES_SUPPORTED = ['scim'] as const;
/** A token request is a few hundred bytes; an assertion a few KB. Anything larger is refused unread. */
export const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** How the client proved who it is. */
export type ClientCredential =
  | {
      readonly kind: 'secret';
      readonly method: 'client_secret_basic' | 'client_secret_post';
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | { readonly kind: 'assertion'; readonly assertion: string; readonly clientId?: string };

export interface TokenRequest {
  readonly grantType: typeof GRANT_CLIENT_CREDENTIALS | typeof GRANT_JWT_BEARER;
  readonly credential: ClientCredential;
  /** Granted scopes (always `scim`). */
  readonly scope: readonly string[];
}

export interface RawTokenRequest {
  readonly contentType?: string;
  readonly authorization?: string;
  /** The body as received (already base64-decoded). */
  readonly body?: string;
}

/** Parses the form body; a repeated parameter is refused (RFC 6749 §3.2), an empty one is absent (§3.1). */
function parseForm(body: string): Map<string, string> {
  const form = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (seen.has(name))
      throw new OAuthError(
        'invalid_request',
        `Parameter "${name.slice(0, 64)}" is repeated; each parameter may appear once (RFC 6749 §3.2).`,
      );
    seen.add(name);
    if (value !== '') form.set(name, value);
  }
  return form;
}

/** `application/x-www-form-urlencoded` decoding of one Basic credential part (RFC 6749 §2.3.1). */
function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function basicCredentials(authorization: string): { clientId: string; clientSecret: string } {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
  if (!match)
    throw new OAuthError(
      'invalid_client',
      'The Authorization header must be "Basic <base64(client_id:client_secret)>" (RFC 6749 §2.3.1).',
    );
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0)
    throw new OAuthError('invalid_client', 'The Basic credentials must be "client_id:client_secret", base64-encoded.');
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'The Basic credentials are not form-url-encoded (RFC 6749 §2.3.1).');
  }
}

function parseScope(scope: string | undefined): readonly string[] {
  const requested = (scope ?? '').split(' ').filter(Boolean);
  const unknown = requested.filter((name) => !(SCOPES_SUPPORTED as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `Unknown scope "${unknown[0]?.slice(0, 64)}": the only scope is "${SCOPES_SUPPORTED.join(' ')}" (or none).`,
    );
  }
  return SCOPES_SUPPORTED;
}

/** Parses and checks the shape of a token request; throws an OAuthError saying what is wrong. */
export function parseTokenRequest(raw: RawTokenRequest): TokenRequest {
  const body = raw.body ?? '';
  const size = Buffer.byteLength(body, 'utf8');
  if (size > MAX_TOKEN_REQUEST_BYTES) {
    throw new OAuthError(
      'invalid_request',
      `The request body is ${size} bytes; a token request is at most ${MAX_TOKEN_REQUEST_BYTES} bytes.`,
    );
  }
  const mediaType = (raw.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM_CONTENT_TYPE) {
    throw new OAuthError(
      'invalid_request',
      `The body must be ${FORM_CONTENT_TYPE} (RFC 6749 §4.4.2), not "${(raw.contentType ?? 'none').slice(0, 64)}".`,
    );
  }
  const form = parseForm(body);
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'The grant_type parameter is missing.');
  if (grantType !== GRANT_CLIENT_CREDENTIALS && grantType !== GRANT_JWT_BEARER) {
    throw new OAuthError(
      'unsupported_grant_type',
      `grant_type "${grantType.slice(0, 80)}" is not supported: use ${GRANT_CLIENT_CREDENTIALS} or ${GRANT_JWT_BEARER}.`,
    );
  }
  const scope = parseScope(form.get('scope'));

  const basic =
    raw.authorization !== undefined && raw.authorization.trim() !== ''
      ? basicCredentials(raw.authorization)
      : undefined;
  const postSecret = form.get('client_secret');
  const assertionType = form.get('client_assertion_type');
  const clientAssertion = form.get('client_assertion');
  const formClientId = form.get('client_id');
  const methods = [
    basic !== undefined,
    postSecret !== undefined,
    assertionType !== undefined || clientAssertion !== undefined,
  ].filter(Boolean).length;
  if (methods > 1)
    throw new OAuthError(
      'invalid_request',
      'Use one client authentication method: Basic, client_secret, or client_assertion (RFC 6749 §2.3).',
    );
  if (basic && formClientId !== undefined && formClientId !== basic.clientId) {
    throw new OAuthError('invalid_request', 'client_id in the body differs from the one in the Authorization header.');
  }

  if (grantType === GRANT_JWT_BEARER) {
    // RFC 7523 §2.1: the assertion is the grant; client authentication is optional and not used here.
    const assertion = form.get('assertion');
    if (assertion === undefined)
      throw new OAuthError(
        'invalid_request',
        `grant_type ${GRANT_JWT_BEARER} needs the assertion parameter (RFC 7523 §2.1).`,
      );
    if (methods > 0)
      throw new OAuthError('invalid_request', `Send the ${GRANT_JWT_BEARER} assertion without client credentials.`);
    return {
      grantType,
      credential: { kind: 'assertion', assertion, ...(formClientId !== undefined ? { clientId: formClientId } : {}) },
      scope,
    };
  }

  if (basic) return { grantType, credential: { kind: 'secret', method: 'client_secret_basic', ...basic }, scope };
  if (postSecret !== undefined) {
    if (formClientId === undefined)
      throw new OAuthError('invalid_request', 'client_secret needs client_id beside it (RFC 6749 §2.3.1).');
    return {
      grantType,
      credential: { kind: 'secret', method: 'client_secret_post', clientId: formClientId, clientSecret: postSecret },
      scope,
    };
  }
  if (assertionType !== undefined || clientAssertion !== undefined) {
    if (assertionType !== CLIENT_ASSERTION_TYPE_JWT) {
      throw new OAuthError(
        'invalid_request',
        `client_assertion_type must be ${CLIENT_ASSERTION_TYPE_JWT} (RFC 7523 §2.2).`,
      );
    }
    if (clientAssertion === undefined)
      throw new OAuthError('invalid_request', 'client_assertion is missing beside client_assertion_type.');
    return {
      grantType,
      credential: {
        kind: 'assertion',
        assertion: clientAssertion,
        ...(formClientId !== undefined ? { clientId: formClientId } : {}),
      },
      scope,
    };
  }
  throw new OAuthError(
    'invalid_client',
    'No client authentication: send HTTP Basic credentials, client_id and client_secret, or a client_assertion.',
  );
}
