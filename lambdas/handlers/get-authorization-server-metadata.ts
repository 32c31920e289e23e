import { defineOAuthEndpoint } from '../http/define-oauth-endpoint';
import { getAuthorizationServerMetadata } from '../operations/credentials/get-authorization-server-metadata';

export const handler = defineOAuthEndpoint('getAuthorizationServerMetadata', getAuthorizationServerMetadata);
