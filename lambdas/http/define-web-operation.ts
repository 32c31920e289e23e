import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { FolderPortalUiFiles } from '../adapters/files/portal-ui-files';
import { readPortalUiDir } from '../config';
import { PORTAL_UI_DIR } from '../contracts/portal';
import type { OperationName } from '../contracts/routes';
import type { PortalUiFiles, WebRequest, WebResponse } from '../operations/connection/portal-ui';
import { logger } from './logger';
import { NOTHING_CSP, PAGE_CSP, securityHeaders } from './security-headers';
import { serviceBaseOf } from './service-base';

let files: PortalUiFiles | undefined;

/** On AWS the bundle's folder holds the built page (lib/constructs/operation-function.ts); locally PORTAL_UI_DIR says where. */
function portalUi(): PortalUiFiles {
  files ??= new FolderPortalUiFiles(readPortalUiDir() ?? join(__dirname, PORTAL_UI_DIR));
  return files;
}

/**
 * The chain of the page and its assets: no tenant, no table, no key — only the built files, with the
 * page's Content-Security-Policy and caching by kind.
 */
export function defineWebOperation(
  operation: OperationName,
  run: (request: WebRequest, ui: PortalUiFiles) => WebResponse,
) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const serviceBase = serviceBaseOf(event);
    const https = serviceBase.startsWith('https:');
    let response: WebResponse;
    try {
      response = run({ pathParameters: event.pathParameters ?? {}, serviceBase }, portalUi());
    } catch (error) {
      logger.error('request failed', { operation, error });
      response = {
        status: 500,
        body: 'The connection page is unavailable.\n',
        contentType: 'text/plain; charset=utf-8',
        immutable: false,
      };
    }
    return {
      statusCode: response.status,
      headers: {
        'Content-Type': response.contentType,
        'Cache-Control': response.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
        ...securityHeaders(response.contentType.startsWith('text/html') ? PAGE_CSP : NOTHING_CSP, https),
      },
      body: response.body,
    };
  };
}
