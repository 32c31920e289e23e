/**
 * The single DynamoDB table, written once (docs/data-model.md explains every key).
 * Every partition key begins with `TENANT#<tenantId>#`, so one tenant's items can be fenced by
 * IAM (dynamodb:LeadingKeys) and deleted as a unit.
 */
/** Physical index names and key attributes: DynamoDB deletes and rebuilds an index whose name changes. */
const GSI1 = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
const GSI2 = { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' } as const;

/** A global secondary index: its name and key attributes. */
export type TableIndex = typeof GSI1 | typeof GSI2;

export const TABLE = {
  /** Name used in local mode and tests; the CDK stack lets CloudFormation name the real table. */
  localName: 'scim-directory',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes event rows, provisioning-log items and seen assertion ids after it. */
  timeToLiveAttribute: 'expiresAt',
  /**
   * The table's global secondary indexes as deployed (the CDK stack and create-table build these).
   * Both are keys only and each serves several lookups, so code names the lookup (`lookups` below),
   * never the index. A changed name or key attribute here makes DynamoDB delete and rebuild a
   * deployed index: keep them.
   */
  indexes: { gsi1: GSI1, gsi2: GSI2 },
  /** Which index answers which lookup (docs/data-model.md "Indexes"). */
  lookups: {
    /** A user's or a group's externalId → its id (not unique: several ids may share one). */
    externalId: GSI1,
    /** A member → the groups it belongs to (one entry per membership item). */
    memberOf: GSI1,
    /** A user's lower-cased work email → its id. */
    workEmail: GSI2,
    /** A group's lower-cased displayName → its id. */
    displayName: GSI2,
    /** Every tenant record (`scim-admin tenant list` without a Scan). */
    tenantRegistry: GSI2,
    /** Every Graph connector (the sync dispatcher's due runs without a Scan). */
    connectorRegistry: GSI2,
  },
  /** Item kinds; the `kind` attribute lets the stream filter pass only event rows to the publisher. */
  kinds: {
    tenant: 'tenant',
    user: 'user',
    userNameMarker: 'userName',
    group: 'group',
    membership: 'membership',
    event: 'event',
    log: 'log',
    /** A seen OAuth assertion id (replay protection on the token endpoint). */
    assertion: 'jti',
    /** A change held by the removal guard: its event, not yet in the outbox (never published by the stream). */
    heldChange: 'held',
    guard: 'guard',
  },
} as const;
