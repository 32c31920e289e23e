/**
 * Why a sync run failed or skipped an object; `code` is stable (docs/graph-sync.md lists them), the
 * message says what to do and never carries a secret, a token or a delta link.
 */
export type SyncErrorCode =
  | 'invalidClient'
  | 'secretExpired'
  | 'tenantNotFound'
  | 'consentNotGranted'
  | 'unauthorized'
  | 'graphPageNotJson'
  | 'graphPageInvalid'
  | 'missingDeltaLink'
  | 'throttled'
  | 'graphUnavailable'
  | 'graphError'
  | 'untrustedLink'
  | 'missingUserPrincipalName'
  | 'writeRefused'
  | 'secretMissing'
  | 'notConnected';

export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

/** Graph said the delta state is gone (410 Gone, syncStateNotFound, an expired token): start over. */
export class ResyncRequired extends Error {
  constructor(
    /** Where Graph says to restart (the 410's Location), if it said. */
    readonly location?: string,
  ) {
    super('Graph asked for a full resync');
    this.name = 'ResyncRequired';
  }
}
