import type { PortalManifest } from '../../contracts/portal';
import { PORTAL_ASSETS_PATH } from '../../contracts/routes';
import { isValidTenantId } from '../../tenancy/tenant';

export interface UiFile {
  readonly body: string;
  readonly contentType: string;
}

/** The built connection page: its manifest and the files it names. */
export interface PortalUiFiles {
  manifest(): PortalManifest;
  file(name: string): UiFile | undefined;
}

export interface WebRequest {
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  /** `https://host[/stage]` */
  readonly serviceBase: string;
}

export interface WebResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  /** Content-hashed assets are cached for a year; the page itself never. */
  readonly immutable: boolean;
}

const NOT_FOUND: WebResponse = {
  status: 404,
  body: 'Not found.\n',
  contentType: 'text/plain; charset=utf-8',
  immutable: false,
};

/**
 * GET /portal/{tenantId}: the page shell. It holds no tenant data (the script asks the session
 * routes), so it is the same for every tenant and every visitor; the tenant id in it is a slug.
 */
export function getPortalPage(request: WebRequest, ui: PortalUiFiles): WebResponse {
  const tenantId = request.pathParameters.tenantId ?? '';
  if (!isValidTenantId(tenantId)) return NOT_FOUND;
  const path = new URL(request.serviceBase).pathname.replace(/\/$/, '');
  const { script, styles } = ui.manifest();
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SCIM connection</title>
<link rel="stylesheet" href="${path}${PORTAL_ASSETS_PATH}/${styles}">
<script defer src="${path}${PORTAL_ASSETS_PATH}/${script}"></script>
</head>
<body>
<div id="app" data-api="${path}/portal/${tenantId}/api" data-tenant="${tenantId}"><noscript>The connection page needs JavaScript.</noscript></div>
</body>
</html>
`;
  return { status: 200, body, contentType: 'text/html; charset=utf-8', immutable: false };
}

/** GET /portal-assets/{file}: one of the files the manifest names, nothing else. */
export function getPortalAsset(request: WebRequest, ui: PortalUiFiles): WebResponse {
  const file = ui.file(request.pathParameters.file ?? '');
  return file ? { status: 200, body: file.body, contentType: file.contentType, immutable: true } : NOT_FOUND;
}
