import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { FileConnectorSecrets } from '../../../lambdas/adapters/local/file-connector-secrets';
import { SecretsManagerConnectorSecrets } from '../../../lambdas/adapters/secrets-manager/secrets-manager-connector-secrets';

const notFound = () =>
  new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

describe('SecretsManagerConnectorSecrets: one secret per connector under the stack prefix', () => {
  const mock = mockClient(SecretsManagerClient);
  const secrets = new SecretsManagerConnectorSecrets(new SecretsManagerClient({}), 'scim/graph-sync/Scim-prod/');

  beforeEach(() => mock.reset());

  it('puts a new value on an existing secret', async () => {
    mock.on(PutSecretValueCommand).resolves({});

    await secrets.put('acme', 's3cret');

    expect(mock.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'scim/graph-sync/Scim-prod/acme',
      SecretString: 's3cret',
    });
    expect(mock.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  it('creates the secret when it does not exist yet', async () => {
    mock.on(PutSecretValueCommand).rejects(notFound());
    mock.on(CreateSecretCommand).resolves({});

    await secrets.put('acme', 's3cret');

    expect(mock.commandCalls(CreateSecretCommand)[0]?.args[0].input).toMatchObject({
      Name: 'scim/graph-sync/Scim-prod/acme',
      SecretString: 's3cret',
    });
  });

  it('reads the value, and undefined when there is no secret', async () => {
    mock.on(GetSecretValueCommand, { SecretId: 'scim/graph-sync/Scim-prod/acme' }).resolves({ SecretString: 's3cret' });
    mock.on(GetSecretValueCommand, { SecretId: 'scim/graph-sync/Scim-prod/none' }).rejects(notFound());

    expect(await secrets.get('acme')).toBe('s3cret');
    expect(await secrets.get('none')).toBeUndefined();
  });

  it('deletes without a recovery window (so a reconnect can create it again), and ignores a missing one', async () => {
    mock.on(DeleteSecretCommand).resolvesOnce({}).rejectsOnce(notFound());

    await secrets.delete('acme');
    await secrets.delete('acme');

    expect(mock.commandCalls(DeleteSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: 'scim/graph-sync/Scim-prod/acme',
      ForceDeleteWithoutRecovery: true,
    });
  });

  it('lets other failures through (access denied is a deployment fault, not "no secret")', async () => {
    mock.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(secrets.get('acme')).rejects.toThrow('denied');
  });
});

describe('FileConnectorSecrets: local mode', () => {
  it('keeps each secret in an owner-only file and forgets it on delete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const secrets = new FileConnectorSecrets(join(dir, 'connector-secrets'));

    await secrets.put('acme', 's3cret');
    const stored = await secrets.get('acme');
    const mode = statSync(join(dir, 'connector-secrets', 'acme.secret')).mode & 0o777;
    await secrets.delete('acme');

    expect(stored).toBe('s3cret');
    expect(mode).toBe(0o600);
    expect(await secrets.get('acme')).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});
