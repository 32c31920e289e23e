import { defineOAuthEndpoint } from '../http/define-oauth-endpoint';
import { getAuthorizationServerMetadata } from '../operations/get-authorization-server-metadata';

export const handler = defineOAuthEndpoint('getAuthorizationServerMetadata', getAuthorizationServerMetadata);
