import type { OperationName } from '../contracts/routes';
import { routeOf } from '../contracts/routes';
import { ScimError } from '../scim/errors';
import { chainOf, type ScimMiddleware } from './chain';
import { lowerCaseHeaders } from './mapping';

/** Body media types (RFC 7644 §3.1 and §8.1: application/scim+json, and application/json, which Okta and many clients send). */
const JSON_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/scim+json', 'application/json']);

/** Deepest nesting a body may have: SCIM resources and PATCH bodies nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** Strict UTF-8 (RFC 3629): invalid bytes throw instead of turning into U+FFFD. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The media type of a Content-Type value, lower-cased, and whether its charset (if any) is UTF-8. */
export function mediaTypeOf(contentType: string | undefined): { type: string; utf8: boolean } {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const charset = parameters
    .map((parameter) => parameter.split('='))
    .find(([name]) => name?.trim().toLowerCase() === 'charset')?.[1];
  const utf8 = charset === undefined || /^"?utf-8"?$/i.test(charset.trim());
  return { type: type.trim().toLowerCase(), utf8 };
}

/** Whether a parsed JSON value nests deeper than `limit`, walked without recursion (a deep value must not overflow the stack). */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The JSON body of a route that takes one (POST, PUT, PATCH): Content-Type application/scim+json or
 * application/json (415 otherwise), at most `maxBodyBytes()` (413), strict UTF-8, valid JSON nested at
 * most MAX_JSON_DEPTH deep (400 invalidSyntax). A body-less route (GET, DELETE) ignores any body, so
 * it never needs a Content-Type. Details never quote the body (docs/security.md T24).
 */
export function jsonBody(operation: OperationName, maxBodyBytes: () => number): ScimMiddleware {
  const method = routeOf(operation).method;
  const takesBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return {
    before: (request) => {
      const { event } = request;
      if (!takesBody || event.body === null || event.body === undefined || event.body === '') return;
      const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      const limit = maxBodyBytes();
      if (bytes.length > limit) throw ScimError.payloadTooLarge(limit);
      const { type, utf8 } = mediaTypeOf(lowerCaseHeaders(event.headers)['content-type']);
      if (!JSON_MEDIA_TYPES.has(type) || !utf8) throw ScimError.unsupportedMediaType();
      let raw: string;
      try {
        raw = strictUtf8.decode(bytes);
      } catch (cause) {
        throw new ScimError(
          400,
          'The request body is not valid UTF-8 (RFC 8259 §8.1).',
          'invalidSyntax',
          {},
          { cause },
        );
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (cause) {
        // V8's message quotes the body around the fault; only the position is passed on (the cause
        // is never logged for a 4xx: requestLog logs a 4xx's detail only).
        const position = /position (\d+)/.exec((cause as Error).message)?.[1];
        throw new ScimError(
          400,
          `The request body is not valid JSON${position !== undefined ? ` (at character ${position})` : ''}.`,
          'invalidSyntax',
          {},
          { cause },
        );
      }
      if (exceedsDepth(parsed, MAX_JSON_DEPTH))
        throw ScimError.badRequest('invalidSyntax', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      chainOf(request.context).body = parsed;
    },
  };
}
