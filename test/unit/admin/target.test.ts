import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { resolveTarget } from '../../../lambdas/admin/target';
import { AdminError } from '../../../lambdas/operations/admin-error';

describe('scim-admin target: the deployed stack from its CloudFormation outputs', () => {
  const cloudFormation = mockClient(CloudFormationClient);

  afterEach(() => cloudFormation.reset());

  it('reads the table, the token key and the Tenant URL base of the named stack', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Scim-prod' }).resolves({
      Stacks: [
        {
          StackName: 'Scim-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'TableName', OutputValue: 'Scim-prod-Table-1' },
            { OutputKey: 'TokenKeySecretArn', OutputValue: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:key' },
            { OutputKey: 'TenantUrlBase', OutputValue: 'https://scim.example.com/scim/v2/' },
          ],
        },
      ],
    });

    const target = await resolveTarget({ local: false, dataDir: '/nowhere', stack: 'Scim-prod', region: 'eu-west-1' });

    expect(target.config).toMatchObject({
      tableName: 'Scim-prod-Table-1',
      tokenKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:key',
    });
    expect(target.config.dynamodbEndpoint).toBeUndefined();
    expect(target.tenantUrlBase).toBe('https://scim.example.com/scim/v2');
    expect(target.description).toBe('stack Scim-prod in eu-west-1');
  });

  it('refuses a stack without the SCIM outputs, and says why a lookup failed', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Other' }).resolves({
      Stacks: [{ StackName: 'Other', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Missing' })
      .rejects(new Error('Stack with id Missing does not exist'));

    await expect(
      resolveTarget({ local: false, dataDir: '/nowhere', stack: 'Other', region: 'eu-west-1' }),
    ).rejects.toThrow(/lacks the outputs/);
    await expect(
      resolveTarget({ local: false, dataDir: '/nowhere', stack: 'Missing', region: 'eu-west-1' }),
    ).rejects.toEqual(new AdminError('Could not read stack Missing: Stack with id Missing does not exist'));
  });

  it('refuses --local when no npm start instance runs from this checkout', async () => {
    await expect(resolveTarget({ local: true, dataDir: '/nowhere', stack: 'Scim-dev' })).rejects.toThrow(
      /run "npm start" in this checkout first/,
    );
  });
});
