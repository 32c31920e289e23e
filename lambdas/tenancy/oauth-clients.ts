import { randomBytes } from 'node:crypto';
import { digestToken, digestsEqual, keyFor, type TokenKeyRing } from './tokens';

/**
 * An OAuth 2.0 client of one tenant (RFC 6749 §2): the client id is public, the client secret is
 * shown once and only its HMAC digest is kept, under the same service keyring as Secret Tokens.
 */
export interface OAuthClientRecord {
  readonly clientId: string;
  readonly label: string;
  readonly secretDigest: string;
  /** Version of the service key that made `secretDigest`. */
  readonly keyVersion: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
}

/**
 * Workload identity federation (RFC 7523): the tenant trusts JWTs that `issuer` signed with a key
 * from `jwksUrl`, about `subject`, addressed to `audience`. No secret is stored.
 */
export interface FederationRecord {
  /** Changes on every `oauth federate`, so access tokens of an earlier trust stop working. */
  readonly id: string;
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly subject: string;
  readonly audience: string;
  readonly createdAt: string;
}

/** At most two live client secrets per tenant: enough to rotate without downtime, like tokens. */
export const MAX_LIVE_CLIENTS = 2;

/** Prefixes that let secret scanners (and people) tell the two apart from Secret Tokens. */
export const CLIENT_ID_PREFIX = 'scimci_';
export const CLIENT_SECRET_PREFIX = 'scimcs_';
const CLIENT_ID_PATTERN = /^scimci_[A-Za-z0-9_-]{16}$/;
const CLIENT_SECRET_PATTERN = /^scimcs_[A-Za-z0-9_-]{43}$/;

/** A new public client id (96 random bits). */
export function generateClientId(random: Buffer = randomBytes(12)): string {
  return `${CLIENT_ID_PREFIX}${random.toString('base64url')}`;
}

/** A new client secret (256 random bits), shown once. */
export function generateClientSecret(random: Buffer = randomBytes(32)): string {
  return `${CLIENT_SECRET_PREFIX}${random.toString('base64url')}`;
}

/** True when `clientId` has the shape this service issues (checked before any lookup). */
export function isWellFormedClientId(clientId: string): boolean {
  return CLIENT_ID_PATTERN.test(clientId);
}

/** A client is live when it is neither revoked nor past its expiry. */
export function isLiveClient(client: OAuthClientRecord, now: Date): boolean {
  return (
    client.revokedAt === undefined && (client.expiresAt === undefined || Date.parse(client.expiresAt) > now.getTime())
  );
}

/** The tenant's clients (none on records written before OAuth existed). */
export function clientsOf(tenant: {
  readonly oauthClients?: readonly OAuthClientRecord[];
}): readonly OAuthClientRecord[] {
  return tenant.oauthClients ?? [];
}

/**
 * The live client whose id is `clientId` and whose secret digest matches `secret` (constant-time);
 * undefined for an unknown, revoked or expired client or a wrong secret alike.
 */
export function matchClientSecret(
  clients: readonly OAuthClientRecord[],
  clientId: string,
  secret: string,
  ring: TokenKeyRing,
  now: Date,
): OAuthClientRecord | undefined {
  if (!isWellFormedClientId(clientId) || !CLIENT_SECRET_PATTERN.test(secret)) return undefined;
  const client = clients.find((candidate) => candidate.clientId === clientId);
  const live = client !== undefined && isLiveClient(client, now);
  const key = (live ? keyFor(ring, client.keyVersion) : undefined) ?? keyFor(ring, ring.current) ?? '';
  // The digest is computed and compared for unknown and dead clients too, so the time taken does not
  // tell a caller which client ids exist.
  const matches = digestsEqual(digestToken(secret, key), live ? client.secretDigest : UNMATCHABLE_DIGEST);
  return live && matches ? client : undefined;
}

/** A digest of the right length that no secret produces in practice (compared against for unknown clients). */
const UNMATCHABLE_DIGEST = Buffer.alloc(32).toString('base64url');
