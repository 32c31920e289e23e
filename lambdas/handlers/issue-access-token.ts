import { defineOAuthEndpoint } from '../http/define-oauth-endpoint';
import { issueAccessToken } from '../operations/issue-access-token';

export const handler = defineOAuthEndpoint('issueAccessToken', issueAccessToken);
