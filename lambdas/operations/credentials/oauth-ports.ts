import type { JWTVerifyGetKey } from 'jose';

/** Raised by a key set that could not be fetched or is not a JWK Set (the caller answers invalid_client). */
export class KeySetUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeySetUnavailable';
  }
}

/**
 * Issuers' published keys by JWKS URL (fetched over HTTPS, cached, re-fetched on an unknown `kid` at
 * most once a minute, time-boxed). A key set's failure to load throws KeySetUnavailable.
 */
export interface KeySets {
  keySetFor(jwksUrl: string): JWTVerifyGetKey;
}

/** Seen assertion ids (RFC 7523 §3 "jti"), kept until the assertion expires. */
export interface AssertionReplays {
  /** Records (issuer, jti) until `expiresAt`; false when it was recorded before and has not expired. */
  remember(tenantId: string, issuer: string, jti: string, expiresAt: Date): Promise<boolean>;
}
