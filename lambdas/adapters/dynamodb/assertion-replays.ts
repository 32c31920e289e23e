import { createHash } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../contracts/table';
import type { AssertionReplays } from '../../operations/credentials/oauth-ports';
import { translateStorageError } from './errors';
import { assertionReplayKey } from './keys';

/**
 * Seen assertion ids: one conditional PutItem per accepted assertion (on the token endpoint only,
 * never on a SCIM request). DynamoDB's TTL deletes items lazily (within days), so an item past its
 * expiry counts as unseen.
 */
export class DynamoAssertionReplays implements AssertionReplays {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async remember(tenantId: string, issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const id = createHash('sha256').update(`${issuer}\n${jti}`).digest('base64url');
    const ttl = TABLE.timeToLiveAttribute;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...assertionReplayKey(tenantId, id),
            kind: TABLE.kinds.assertion,
            [ttl]: Math.ceil(expiresAt.getTime() / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': ttl },
          ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string })?.name === 'ConditionalCheckFailedException') return false;
      translateStorageError(error);
    }
  }
}
