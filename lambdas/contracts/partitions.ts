/**
 * The per-tenant partitions of the single table (docs/data-model.md), written once: the key builders
 * (adapters/dynamodb/keys.ts) build keys from them, the CDK stack fences IAM with them
 * (dynamodb:LeadingKeys), and a tenant purge walks them.
 */

/** Every partition key begins with `TENANT#<tenantId>`. */
export const TENANT_KEY_PREFIX = 'TENANT#';

/** The suffix after `TENANT#<tenantId>#` of each fixed per-tenant partition. */
export const TENANT_PARTITIONS = {
  users: 'USER',
  userNames: 'USERNAME',
  groups: 'GROUP',
  events: 'EVENT',
  log: 'LOG',
  tokenUses: 'TOKENUSE',
  /** Seen OAuth assertion ids (RFC 7523 `jti`). */
  assertionIds: 'JTI',
  /** Changes held by the removal guard (docs/removal-guard.md). */
  heldChanges: 'HELD',
  sync: 'SYNC',
  userLinks: 'SYNCLINK#USER',
  groupLinks: 'SYNCLINK#GROUP',
} as const;

export type TenantPartition = keyof typeof TENANT_PARTITIONS;

/** The key of one tenant's partition; a tenant id of `*` makes the IAM LeadingKeys pattern of every tenant's. */
export function tenantPartitionKey(tenantId: string, partition: TenantPartition): string {
  return `${TENANT_KEY_PREFIX}${tenantId}#${TENANT_PARTITIONS[partition]}`;
}
