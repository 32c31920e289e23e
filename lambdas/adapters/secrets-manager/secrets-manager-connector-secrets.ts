import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { ConnectorSecrets } from '../../operations/graph-sync/sync-ports';

function named(error: unknown, name: string): boolean {
  return (error as { name?: string })?.name === name;
}

/**
 * One Secrets Manager secret per Graph connector, named `<prefix><tenantId>` (docs/graph-sync.md
 * "Secret handling": $0.40 a connector-month buys per-secret rotation, deletion with the connector,
 * and an IAM policy the run function reads under the prefix only). The value is the client secret
 * itself, as SecretString; it is never returned to the CLI, logged or put in the table.
 */
export class SecretsManagerConnectorSecrets implements ConnectorSecrets {
  constructor(
    private readonly client: SecretsManagerClient,
    /** e.g. `scim/graph-sync/Scim-prod/` (the stack's output GraphSyncSecretPrefix). */
    private readonly prefix: string,
    /** Customer-managed KMS key for new secrets; absent: the account's aws/secretsmanager key. */
    private readonly kmsKeyId?: string,
  ) {}

  private nameOf(tenantId: string): string {
    return `${this.prefix}${tenantId}`;
  }

  async put(tenantId: string, secret: string): Promise<void> {
    const SecretId = this.nameOf(tenantId);
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString: secret }));
    } catch (error) {
      if (!named(error, 'ResourceNotFoundException')) throw error;
      await this.client.send(
        new CreateSecretCommand({
          Name: SecretId,
          SecretString: secret,
          Description: `Client secret of the Microsoft Graph connector of tenant ${tenantId}`,
          ...(this.kmsKeyId ? { KmsKeyId: this.kmsKeyId } : {}),
        }),
      );
    }
  }

  async get(tenantId: string): Promise<string | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.nameOf(tenantId) }));
      return SecretString;
    } catch (error) {
      if (named(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  async delete(tenantId: string): Promise<void> {
    try {
      // Without a recovery window the name is free at once, so a reconnect can create it again.
      await this.client.send(
        new DeleteSecretCommand({ SecretId: this.nameOf(tenantId), ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (!named(error, 'ResourceNotFoundException')) throw error;
    }
  }
}
