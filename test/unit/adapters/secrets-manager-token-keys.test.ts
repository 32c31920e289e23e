import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerTokenKeys } from '../../../lambdas/adapters/secrets-manager/secrets-manager-token-keys';
import { ScimError } from '../../../lambdas/scim/errors';

describe('SecretsManagerTokenKeys', () => {
  const secrets = mockClient(SecretsManagerClient);
  const keys = new SecretsManagerTokenKeys(
    new SecretsManagerClient({ region: 'us-east-1' }),
    'arn:aws:secretsmanager:us-east-1:111111111111:secret:key',
  );

  afterEach(() => secrets.reset());

  it('reads the keyring the stack generates', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: 'k1', k1: 'a'.repeat(64) }) });

    const ring = await keys.getKeyRing();

    expect(ring).toEqual({ current: 'k1', keys: { k1: 'a'.repeat(64) } });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:key',
    });
  });

  it.each([
    [
      'throttling',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'a 5xx',
      Object.assign(new Error('Internal'), { name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } }),
    ],
    ['no answer (network)', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
  ])('turns %s into 503 with Retry-After', async (_case, error) => {
    secrets.on(GetSecretValueCommand).rejects(error);

    const failure = await keys.getKeyRing().catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(ScimError);
    expect(failure).toMatchObject({ status: 503, headers: { 'Retry-After': '2' } });
  });

  it('leaves access errors as they are (a misconfiguration: 500 and an alarm)', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(
        Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }),
      );

    await expect(keys.getKeyRing()).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
