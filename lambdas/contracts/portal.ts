/**
 * Facts of the connection page written once (docs/portal.md): the CDK bundling, the handlers, the
 * page's script and the tests read them from here.
 */

/** The session cookie. `__Host-` makes the browser insist on Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2). */
export const SESSION_COOKIE = '__Host-scim-portal';

/** The header a write carries its CSRF token in (the page reads the token from the session route). */
export const CSRF_HEADER = 'x-csrf-token';

/** Query parameter of a setup link that holds its signed secret. */
export const LINK_PARAMETER = 'link';

/** Folder beside a page or asset handler's bundle that holds the built page (portal/build.ts writes it). */
export const PORTAL_UI_DIR = 'portal-ui';

/** The manifest portal/build.ts writes: which content-hashed files the page loads. */
export const PORTAL_MANIFEST = 'manifest.json';

export interface PortalManifest {
  readonly script: string;
  readonly styles: string;
}

/** The actor a provisioning-log entry names for each way in (docs/operations.md "Provisioning log"). */
export const ACTORS = { portal: 'portal', api: 'api' } as const;
