import { ERROR_MESSAGE } from './schema/urns';

/** RFC 7644 §3.12 Table 9 scimType values. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor';

/**
 * An error a SCIM client sees: HTTP status, optional scimType and a detail that names the fault. Its
 * `cause` (ES2022) is what went wrong underneath: the request log shows it, the client never does.
 */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    /** Extra response headers, e.g. Retry-After on 429/503. */
    readonly headers: Readonly<Record<string, string>> = {},
    /** `cause`: the fault behind this answer (a DynamoDB error, a parse error), kept for the log only. */
    options?: ErrorOptions,
  ) {
    super(detail, options);
    this.name = 'ScimError';
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, detail, scimType);
  }

  /** RFC 6750 §3: every 401 names the Bearer scheme in WWW-Authenticate. */
  static unauthorized(): ScimError {
    return new ScimError(
      401,
      'Authentication failed: send a valid Secret Token as "Authorization: Bearer <token>" to this Tenant URL.',
      undefined,
      { 'WWW-Authenticate': 'Bearer realm="scim"' },
    );
  }

  static notFound(detail: string): ScimError {
    return new ScimError(404, detail);
  }

  static conflict(detail: string): ScimError {
    return new ScimError(409, detail, 'uniqueness');
  }

  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, detail);
  }

  static payloadTooLarge(limitBytes: number): ScimError {
    return new ScimError(413, `The request body is larger than the limit of ${limitBytes} bytes.`);
  }

  static throttled(retryAfterSeconds: number, options?: ErrorOptions): ScimError {
    return new ScimError(
      429,
      'Too many requests: retry after the interval in Retry-After.',
      undefined,
      { 'Retry-After': String(retryAfterSeconds) },
      options,
    );
  }

  static unavailable(
    retryAfterSeconds: number,
    detail = 'The service is briefly unavailable: retry after the interval in Retry-After.',
    options?: ErrorOptions,
  ): ScimError {
    return new ScimError(503, detail, undefined, { 'Retry-After': String(retryAfterSeconds) }, options);
  }

  /** RFC 9110 §15.5.16: a body in a media type other than application/scim+json or application/json (UTF-8). */
  static unsupportedMediaType(): ScimError {
    return new ScimError(
      415,
      'The request body must be sent as Content-Type: application/scim+json (or application/json), in UTF-8 (RFC 7644 §3.1).',
    );
  }
}

/**
 * A write that lost to a concurrent transaction on the same item (DynamoDB's TransactionConflict).
 * Operations retry it after reading again; if it reaches the client it is a 503 with Retry-After.
 */
export class ConcurrentWriteError extends ScimError {
  constructor(retryAfterSeconds: number, options?: ErrorOptions) {
    super(
      503,
      'Another change to this resource was in progress: retry after the interval in Retry-After.',
      undefined,
      { 'Retry-After': String(retryAfterSeconds) },
      options,
    );
  }
}

/**
 * What a client's value is, for an error detail, without the value itself: a type and a size
 * ("a string of 12 characters", "an array of 3 items"). Details never echo what was sent: it may be a
 * secret (a password), and a 900 KB value must not make a 900 KB error (docs/security.md T24).
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string':
      return `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
    case 'object':
      return 'an object';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'no value';
  }
}

/** The RFC 7644 §3.12 error body; `status` is a string there. */
export interface ScimErrorBody {
  readonly schemas: readonly [typeof ERROR_MESSAGE];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/** Builds the SCIM error body for an error response. */
export function scimErrorBody(error: ScimError): ScimErrorBody {
  return {
    schemas: [ERROR_MESSAGE],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.detail,
  };
}
