import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenKeys } from '../../operations/ports';
import { ScimError } from '../../scim/errors';
import { parseKeyRing, type TokenKeyRing } from '../../tenancy/tokens';

/** Seconds a client waits after Secrets Manager was briefly unreachable. */
const RETRY_AFTER_SECONDS = 2;

/** Throttling, a 5xx, or no answer at all (network): worth a client retry rather than a 500. */
function isTransient(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = candidate?.$metadata?.httpStatusCode;
  return candidate?.name === 'ThrottlingException' || status === undefined || status >= 500;
}

/** The token keyring from one Secrets Manager secret (`{"current":"k1","k1":"…"}`); cached by the caller. */
export class SecretsManagerTokenKeys implements TokenKeys {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async getKeyRing(): Promise<TokenKeyRing> {
    let secret: string | undefined;
    try {
      ({ SecretString: secret } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId })));
    } catch (error) {
      // A cold container cannot authenticate anyone until it has the key: ask Entra to retry
      // (503 + Retry-After) instead of failing the call. Access or configuration errors stay 500s.
      if (isTransient(error)) throw ScimError.unavailable(RETRY_AFTER_SECONDS);
      throw error;
    }
    if (!secret) throw new Error('The token key secret has no string value');
    return parseKeyRing(secret);
  }
}
