import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/contracts/env';
import { ScimStack } from '../../lib/scim-stack';

describe('GraphSync: Scheduler tick → state machine → dispatcher and run slices', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(new ScimStack(app, 'Test'));
  });

  function fn(description: RegExp): { logicalId: string; properties: Record<string, any> } {
    const found = Object.entries(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp(description.source) },
      }),
    );
    expect(found).toHaveLength(1);
    const [logicalId, resource] = found[0] as [string, { Properties: Record<string, any> }];
    return { logicalId, properties: resource.Properties };
  }

  function statementsOf(properties: Record<string, any>): Array<Record<string, any>> {
    const role = properties.Role['Fn::GetAtt'][0] as string;
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
    ) as Array<{ Properties: Record<string, any> }>;
    return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
  }

  it('ticks every minute with one EventBridge Scheduler schedule that starts the state machine', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Array<{
      Properties: Record<string, any>;
    }>;

    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(schedules[0]?.Properties.Target.Arn).toEqual({ Ref: expect.stringMatching(/^GraphSyncRuns/) });
  });

  it('loops each dispatched run over one-slice invocations until it answers done, tracing and logging', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as Array<{
      Properties: Record<string, any>;
    }>;
    const definition = JSON.stringify(machine?.Properties.DefinitionString);

    expect(definition).toContain('EachRun');
    expect(definition).toContain('RunDone?');
    expect(definition).toContain('\\"Variable\\":\\"$.done\\"');
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine?.Properties.LoggingConfiguration.Level).toBe('ALL');
  });

  it('gives the run slice 15 minutes and the configuration it needs, and the secret prefix only', () => {
    const runner = fn(/one checkpointed slice/);
    const statements = statementsOf(runner.properties);

    expect(runner.properties.Timeout).toBe(900);
    expect(Object.keys(runner.properties.Environment.Variables)).toEqual(
      expect.arrayContaining([ENV.tableName, ENV.graphSyncSecretPrefix, ENV.tenantUrlBase]),
    );
    const secrets = statements.filter((statement) =>
      [statement.Action].flat().some((action: string) => action.startsWith('secretsmanager:')),
    );
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(secrets[0]?.Resource)).toContain(':secret:scim/graph-sync/Test/*');
  });

  it('lets the dispatcher touch the table but no secret', () => {
    const actions = statementsOf(fn(/picks the runs due/).properties).flatMap(
      (statement) => [statement.Action].flat() as string[],
    );

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem']));
    expect(actions.some((action) => action.startsWith('secretsmanager:'))).toBe(false);
  });

  it('outputs the secret prefix for scim-admin', () => {
    expect(template.findOutputs('GraphSyncSecretPrefix')).toEqual({
      GraphSyncSecretPrefix: expect.objectContaining({ Value: 'scim/graph-sync/Test/' }),
    });
  });
});
