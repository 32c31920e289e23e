import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenKeys } from '../../operations/ports';
import { parseKeyRing, type TokenKeyRing } from '../../tenancy/tokens';

/** The token keyring from one Secrets Manager secret (`{"current":"k1","k1":"…"}`); cached by the caller. */
export class SecretsManagerTokenKeys implements TokenKeys {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async getKeyRing(): Promise<TokenKeyRing> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!SecretString) throw new Error('The token key secret has no string value');
    return parseKeyRing(SecretString);
  }
}
