/**
 * The storage's typed refusals of a conditional write that lost to another writer: the stores
 * (adapters/dynamodb) throw them, the use cases test them with `instanceof` and re-read or refuse.
 */

/** Thrown when a conditional tenant write finds another version (the caller re-reads and retries). */
export class TenantWriteConflict extends Error {
  constructor(tenantId: string, options?: ErrorOptions) {
    super(`Tenant ${tenantId} exists already or changed concurrently`, options);
    this.name = 'TenantWriteConflict';
  }
}

/** Thrown when a conditional write of a tenant's Graph connector finds another version. */
export class ConnectorConflict extends Error {
  constructor(tenantId: string, options?: ErrorOptions) {
    super(`The Graph connector of ${tenantId} exists already or changed concurrently`, options);
    this.name = 'ConnectorConflict';
  }
}
