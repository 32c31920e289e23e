import { defineOAuthEndpoint } from '../http/define-oauth-endpoint';
import { issueAccessToken } from '../operations/credentials/issue-access-token';

export const handler = defineOAuthEndpoint('issueAccessToken', issueAccessToken);
