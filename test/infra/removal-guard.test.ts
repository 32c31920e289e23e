import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ScimStack } from '../../lib/scim-stack';

describe('RemovalGuardAlarm: every Removals Held event raises an alarm', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(new ScimStack(app, 'Test', { alarmEmail: 'ops@example.com' }));
  });

  function holdsRule(): [string, Record<string, any>] {
    const rules = Object.entries(
      template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: { 'detail-type': ['Removals Held'] } },
      }),
    );
    expect(rules).toHaveLength(1);
    return rules[0] as [string, Record<string, any>];
  }

  it('matches exactly Removals Held from scim.directory on the change-event bus', () => {
    const [, rule] = holdsRule();

    expect(rule.Properties.EventPattern).toEqual({ source: ['scim.directory'], 'detail-type': ['Removals Held'] });
    expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^ChangeEventsBus/) });
    expect(rule.Properties.State).toBe('ENABLED');
  });

  it('alarms on the rule having matched within five minutes, notifying the alarm topic', () => {
    const [logicalId] = holdsRule();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'MatchedEvents',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: logicalId } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: Match.anyValue(),
    });
  });
});
