import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EVENT_SCHEMAS } from '../../lambdas/contracts/events/schemas';
import { EVENT_SOURCE } from '../../lambdas/contracts/events/source';
import { TABLE } from '../../lambdas/contracts/table';
import { ENV } from '../../lambdas/contracts/env';
import { SET_ASIDE_DETAIL_TYPE, SET_ASIDE_SOURCE } from '../../lambdas/contracts/events/source';
import { eventEnvelopeSchema } from '../../lib/constructs/change-events';
import { ScimStack } from '../../lib/scim-stack';

describe('ChangeEvents: table stream → publisher Lambda → EventBridge bus', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(new ScimStack(app, 'Test'));
  });

  function publisher(): { logicalId: string; properties: Record<string, any> } {
    const functions = Object.entries(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('change events') },
      }),
    );
    expect(functions).toHaveLength(1);
    const [logicalId, resource] = functions[0] as [string, { Properties: Record<string, any> }];
    return { logicalId, properties: resource.Properties };
  }

  it('runs the publisher on Node.js 22, arm64, knowing its bus', () => {
    const { properties } = publisher();

    expect(properties.Runtime).toBe('nodejs22.x');
    expect(properties.Architectures).toEqual(['arm64']);
    expect(properties.Environment.Variables[ENV.eventBusName]).toEqual({
      Ref: expect.stringMatching(/^ChangeEventsBus/),
    });
  });

  it('maps the stream to it with a filter passing only inserts of outbox rows, bisecting and retrying failures into a DLQ', () => {
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping');

    expect(Object.keys(mappings)).toHaveLength(1);
    const mapping = Object.values(mappings)[0] as { Properties: Record<string, any> };
    expect(mapping.Properties.FunctionName).toEqual({ Ref: publisher().logicalId });
    expect(mapping.Properties.EventSourceArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DirectoryTable/), 'StreamArn'],
    });
    expect(mapping.Properties.StartingPosition).toBe('TRIM_HORIZON');
    expect(mapping.Properties.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.Properties.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(mapping.Properties.ParallelizationFactor).toBe(1);
    const patterns = mapping.Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) =>
      JSON.parse(filter.Pattern),
    );
    expect(patterns).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: [TABLE.kinds.event] } } } }]);
    expect(mapping.Properties.DestinationConfig.OnFailure.Destination).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ChangeEventsDeadLetters/), 'Arn'],
    });
  });

  it('archives every change event put on the bus, for replay, 90 days by default', () => {
    const archives = Object.values(template.findResources('AWS::Events::Archive')) as Array<{
      Properties: Record<string, any>;
    }>;

    expect(archives).toHaveLength(1);
    expect(archives[0]?.Properties).toMatchObject({
      SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^ChangeEventsBus/), 'Arn'] },
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: 90,
    });
  });

  it('lets the publisher put events on its own bus and nowhere else', () => {
    const role = publisher().properties.Role['Fn::GetAtt'][0] as string;
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
    ) as Array<{ Properties: Record<string, any> }>;
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>,
    );

    const putEvents = statements.filter((statement) => [statement.Action].flat().includes('events:PutEvents'));
    expect(putEvents).toHaveLength(1);
    expect(putEvents[0]?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ChangeEventsBus/), 'Arn'] });
    const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions.filter((action) => action.startsWith('events:'))).toEqual(['events:PutEvents']);
    expect(actions.some((action) => action === '*' || /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action))).toBe(
      false,
    );
  });

  it("routes the publisher's set-aside references from the bus into the dead-letter queue (so its alarm fires)", () => {
    const rules = Object.values(
      template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: [SET_ASIDE_SOURCE] } } }),
    ) as Array<{ Properties: Record<string, any> }>;

    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern['detail-type']).toEqual([SET_ASIDE_DETAIL_TYPE]);
    expect(rules[0]?.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^ChangeEventsBus/) });
    expect(rules[0]?.Properties.Targets.map((target: { Arn: unknown }) => target.Arn)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^ChangeEventsDeadLetters/), 'Arn'] },
    ]);
  });

  it('alarms on iterator age over 5 minutes, any dead letter and any publisher error', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Threshold: 300_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisher().logicalId } }],
    });
  });

  it('registers every catalog schema in an EventBridge schema registry as JSON Schema draft 4', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema')) as Array<{
      Properties: Record<string, any>;
    }>;

    expect(schemas).toHaveLength(EVENT_SCHEMAS.length);
    for (const { detailType, version, schema } of EVENT_SCHEMAS) {
      const registered = schemas.find(
        (candidate) => candidate.Properties.SchemaName === `scim.directory@${detailType.replace(/ /g, '')}-v${version}`,
      );
      expect(registered?.Properties.Type).toBe('JSONSchemaDraft4');
      const content = JSON.parse(registered?.Properties.Content as string);
      expect(content).toEqual(eventEnvelopeSchema(detailType, schema));
      expect(JSON.stringify(content)).not.toMatch(/"const"|"\$id"|2020-12/);
      expect(content.properties.detail.required).toEqual(schema.required);
    }
  });

  it('outputs the bus name', () => {
    template.hasOutput('EventBusName', { Value: { Ref: Match.stringLikeRegexp('^ChangeEventsBus') } });
  });
});
