import { GRANT_CLIENT_CREDENTIALS, GRANT_JWT_BEARER, OAuthError, SCOPES_SUPPORTED } from '../../tenancy/oauth-request';
import { isValidTenantId } from '../../tenancy/tenant';
import { ASSERTION_ALGORITHMS } from './client-assertions';
import { oauthErrorResponse, type OAuthOperation } from './issue-access-token';

/**
 * RFC 8414 authorization server metadata of one tenant. It is the same for every well-formed tenant
 * id and reads nothing, so it neither costs a table read nor tells which tenants exist.
 */
export const getAuthorizationServerMetadata: OAuthOperation = async (request) => {
  if (!isValidTenantId(request.tenantId))
    return { ...oauthErrorResponse(new OAuthError('invalid_request', 'Not a tenant id.')), status: 404 };
  return {
    status: 200,
    headers: { 'Cache-Control': 'public, max-age=3600' },
    body: {
      issuer: request.issuer,
      token_endpoint: `${request.issuer}/token`,
      grant_types_supported: [GRANT_CLIENT_CREDENTIALS, GRANT_JWT_BEARER],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      scopes_supported: [...SCOPES_SUPPORTED],
      // RFC 8414 §2 makes this REQUIRED; no authorization-endpoint flow exists, so the list is empty.
      response_types_supported: [],
    },
  };
};
