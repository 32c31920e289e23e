import type { APIGatewayProxyEvent } from 'aws-lambda';
import { lowerCaseHeaders } from './mapping';

/**
 * `https://host[/stage]`: where this service's URLs start for this request. The host is API
 * Gateway's own `domainName` (the client cannot choose it there); the prefix is whatever API Gateway
 * put before the route's path (the stage, or a custom domain's base path).
 */
export function serviceBaseOf(event: APIGatewayProxyEvent): string {
  const headers = lowerCaseHeaders(event.headers);
  const host = event.requestContext?.domainName ?? headers.host ?? 'localhost';
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const fullPath = event.requestContext?.path ?? event.path;
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${proto}://${host}${prefix}`;
}

/** The origin (`scheme://host`) a browser on this service's own pages sends in `Origin`. */
export function originOf(serviceBase: string): string {
  return new URL(serviceBase).origin;
}
