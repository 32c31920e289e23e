#!/usr/bin/env node
// npm's bin entry for `npx scim-admin`: loads the TypeScript CLI through tsx.
// Node 20 works today; the SDK's notice about its future Node 22 requirement is noise for an admin.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
require('./admin.ts');
