/**
 * The single DynamoDB table, written once (docs/data-model.md explains every key).
 * Every partition key begins with `TENANT#<tenantId>#`, so one tenant's items can be fenced by
 * IAM (dynamodb:LeadingKeys) and deleted as a unit.
 */
export const TABLE = {
  /** Name used in local mode and tests; the CDK stack lets CloudFormation name the real table. */
  localName: 'scim-directory',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes event rows, provisioning-log items and seen assertion ids after it. */
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    /** externalId of users and groups; a user's memberships (groups of a user). Keys only. */
    byExternalId: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Work email of users; lower-cased displayName of groups. Keys only. */
    byName: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
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
