/**
 * The longest a request may run: the function timeout the stack gives every route's Lambda
 * (lib/constructs/operation-function.ts) and the local server alike. A purge waits it out.
 */
export const MAX_REQUEST_MS = 10_000;
