import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { authOf, routes } from '../../lambdas/contracts/routes';
import { TABLE } from '../../lambdas/contracts/table';
import { assertionReplayKey, logPartition, tokenUseKey } from '../../lambdas/adapters/dynamodb/keys';
import { ScimStack } from '../../lib/scim-stack';

const isTokenEndpoint = (route: (typeof routes)[number]) => authOf(route) === 'client' && route.method === 'POST';

/**
 * What IAM must let every route write, as the code really keys it (adapters/dynamodb/keys.ts): a
 * prefix changed in one place and not the other fails here.
 */
const BOOKKEEPING_LEADING_KEYS = [logPartition('*'), tokenUseKey('*', '').pk];
const ASSERTION_REPLAY_LEADING_KEYS = [assertionReplayKey('*', '').pk];

/** Written out, not imported from the construct under test. */
const READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

describe('ScimStack, derived from the route table', () => {
  let template: Template;

  beforeAll(() => {
    // Bundling is skipped here (it is exercised by `npm run synth` and the benchmark's bundle sizes).
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(new ScimStack(app, 'Test'));
  });

  function functionFor(operation: string): { logicalId: string; properties: Record<string, any> } {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp(`\\(${operation}\\)$`) },
    });
    const entries = Object.entries(functions);
    expect(entries).toHaveLength(1);
    const [logicalId, resource] = entries[0] as [string, { Properties: Record<string, any> }];
    return { logicalId, properties: resource.Properties };
  }

  function statementsOf(logicalId: string): any[] {
    const role = template.findResources('AWS::Lambda::Function')[logicalId]?.Properties.Role['Fn::GetAtt'][0] as string;
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
  }

  function actionsOf(statement: any): string[] {
    return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  }

  function policyActionsOf(logicalId: string): string[] {
    return statementsOf(logicalId).flatMap(actionsOf);
  }

  it('has one Node.js 22 arm64 Lambda per operation, and no others', () => {
    // Plus the change-event publisher (test/infra/change-events.test.ts) and the Graph sync
    // dispatcher and runner (test/infra/graph-sync.test.ts).
    template.resourceCountIs('AWS::Lambda::Function', new Set(routes.map((route) => route.operation)).size + 3);
    for (const route of routes) {
      const { properties } = functionFor(route.operation);
      expect(properties.Runtime).toBe('nodejs22.x');
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.Timeout).toBeLessThanOrEqual(10);
    }
  });

  /** The full path of an API Gateway resource, walked up its parents to the API's root. */
  function pathOf(resourceId: string): string {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const parts: string[] = [];
    let current: string | undefined = resourceId;
    while (current !== undefined && resources[current]) {
      const properties: Record<string, any> = (resources[current] as { Properties: Record<string, any> }).Properties;
      parts.unshift(properties.PathPart);
      current = properties.ParentId?.Ref;
    }
    return `/${parts.join('/')}`;
  }

  /** The logical id of the Lambda an AWS_PROXY integration invokes. */
  function integratedFunctionOf(method: Record<string, any>): string | undefined {
    const join: unknown[] = method.Properties.Integration?.Uri?.['Fn::Join']?.[1] ?? [];
    const target = join.find(
      (part): part is { 'Fn::GetAtt': [string, string] } =>
        typeof part === 'object' && part !== null && 'Fn::GetAtt' in part,
    );
    return target?.['Fn::GetAtt'][0];
  }

  it("serves every route at its exact path and method, integrated with that operation's function", () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Record<string, any>[];
    const served = methods.map((method) => ({
      method: method.Properties.HttpMethod,
      path: pathOf(method.Properties.ResourceId?.Ref),
      functionId: integratedFunctionOf(method),
    }));

    for (const route of routes) {
      const matching = served.filter((candidate) => candidate.method === route.method && candidate.path === route.path);
      expect({ route: `${route.method} ${route.path}`, count: matching.length }).toEqual({
        route: `${route.method} ${route.path}`,
        count: 1,
      });
      expect(matching[0]?.functionId).toBe(functionFor(route.operation).logicalId);
    }
    expect(served).toHaveLength(routes.length);
  });

  /** Each DynamoDB statement of a function: its actions (sorted) and the leading keys it is fenced to, if any. */
  function dynamoStatementsOf(logicalId: string): { actions: string[]; leadingKeys?: string[] }[] {
    return statementsOf(logicalId)
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))
      .map((statement) => {
        const leadingKeys = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
        return { actions: [...actionsOf(statement)].sort(), ...(leadingKeys ? { leadingKeys } : {}) };
      });
  }

  it('grants a read route exactly the read actions, and writes only to its log and token-use partitions (getUser)', () => {
    expect(dynamoStatementsOf(functionFor('getUser').logicalId)).toEqual([
      { actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'] },
      { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['TENANT#*#LOG', 'TENANT#*#TOKENUSE'] },
    ]);
  });

  it('grants a write route exactly the item read and write actions, and no Scan (createUser)', () => {
    expect(dynamoStatementsOf(functionFor('createUser').logicalId)).toEqual([
      {
        actions: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
      },
    ]);
  });

  it('grants the change-event publisher the table stream only, no item action', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Publishes change events') },
    });
    const [logicalId] = Object.keys(functions);

    expect(
      dynamoStatementsOf(logicalId as string)
        .flatMap((statement) => statement.actions)
        .sort(),
    ).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
  });

  it('passes every request body to the Lambdas as raw bytes, so invalid UTF-8 is a 400 and not U+FFFD', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
  });

  it('grants read routes no write action beyond their log and token-use partitions, write routes the write actions, and nobody Scan', () => {
    for (const route of routes) {
      const actions = policyActionsOf(functionFor(route.operation).logicalId);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.some((action) => action === '*' || action === 'dynamodb:*')).toBe(false);
      if (route.access === 'none') {
        // The page and its assets: no table action and no key at all.
        expect(
          actions.filter((action) => action.startsWith('dynamodb:') || action.startsWith('secretsmanager:')),
        ).toEqual([]);
        continue;
      }
      if (route.access === 'read') {
        // The only writes a read route may make: its log entry and a token's last use, fenced by leading key.
        for (const statement of statementsOf(functionFor(route.operation).logicalId)) {
          if (!actionsOf(statement).some((action) => WRITE_ACTIONS.includes(action))) continue;
          if (isTokenEndpoint(route) && actionsOf(statement).length === 1) {
            // The token endpoint's seen assertion ids (RFC 7523 jti), and nothing else.
            expect(actionsOf(statement)).toEqual(['dynamodb:PutItem']);
            expect(statement.Condition).toEqual({
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ASSERTION_REPLAY_LEADING_KEYS },
            });
            continue;
          }
          expect(actionsOf(statement).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
          expect(statement.Condition).toEqual({
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': BOOKKEEPING_LEADING_KEYS },
          });
        }
      } else {
        expect(actions).toEqual(expect.arrayContaining([...READ_ACTIONS, ...WRITE_ACTIONS]));
      }
      expect(actions).toContain('secretsmanager:GetSecretValue');
    }
  });

  it('authorises the profile API with IAM only, and leaves SCIM routes to the token check in the chain', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];
    const iam = methods.filter((method) => method.Properties.AuthorizationType === 'AWS_IAM');

    expect(iam).toHaveLength(routes.filter((route) => authOf(route) === 'iam').length);
    expect(methods.filter((method) => method.Properties.AuthorizationType === 'NONE')).toHaveLength(
      routes.filter((route) => authOf(route) !== 'iam').length,
    );
  });

  it('gives the OAuth token endpoint its own Lambda, read access, the token key and a jti partition it alone may write', () => {
    const tokenRoutes = routes.filter(isTokenEndpoint);
    expect(tokenRoutes.map((route) => route.operation)).toEqual(['issueAccessToken']);

    const { logicalId, properties } = functionFor('issueAccessToken');
    const statements = statementsOf(logicalId);
    const replayStatements = statements.filter((statement) =>
      JSON.stringify(statement.Condition ?? {}).includes('#JTI'),
    );

    expect(properties.Description).toContain('POST /oauth2/v1/{tenantId}/token');
    expect(replayStatements).toHaveLength(1);
    expect(policyActionsOf(logicalId)).toContain('secretsmanager:GetSecretValue');
    for (const route of routes.filter((candidate) => !isTokenEndpoint(candidate))) {
      expect(JSON.stringify(statementsOf(functionFor(route.operation).logicalId))).not.toContain('#JTI');
    }
  });

  it.each(['listUserProfiles', 'listGroupSnapshots'])(
    'serves the reconciliation read %s as an IAM-authorised GET with a read-only function',
    (operation) => {
      const { logicalId } = functionFor(operation);
      const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];

      const serving = methods.filter((method) =>
        JSON.stringify(method.Properties.Integration ?? {}).includes(`"${logicalId}"`),
      );

      expect(serving).toHaveLength(1);
      expect(serving[0].Properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
      expect(policyActionsOf(logicalId)).toContain('dynamodb:Query');
      const writes = statementsOf(logicalId).filter((statement) =>
        actionsOf(statement).some((action) => WRITE_ACTIONS.includes(action)),
      );
      expect(writes.map((statement) => statement.Condition)).toEqual(
        writes.map(() => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': BOOKKEEPING_LEADING_KEYS } })),
      );
    },
  );

  it('has the single table: on-demand, point-in-time recovery, new-image stream, TTL and keys-only indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: TABLE.indexes.gsi1.name, Projection: { ProjectionType: 'KEYS_ONLY' } }),
        Match.objectLike({ IndexName: TABLE.indexes.gsi2.name, Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ]),
    });
  });

  it('generates the token key in Secrets Manager, never in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'k1', SecretStringTemplate: '{"current":"k1"}' }),
    });
    template.hasResourceProperties(
      'AWS::SecretsManager::Secret',
      Match.not(Match.objectLike({ SecretString: Match.anyValue() })),
    );
  });
});
