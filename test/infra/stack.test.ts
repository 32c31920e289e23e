import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { authOf, routes } from '../../lambdas/contracts/routes';
import { TABLE } from '../../lambdas/contracts/table';
import { assertionReplayKey, logPartition, tokenUseKey } from '../../lambdas/adapters/dynamodb/keys';
import { ScimStack } from '../../lib/scim-stack';

const isTokenEndpoint = (route: (typeof routes)[number]) => authOf(route) === 'client' && route.method === 'POST';

/** What a function may do to the table: `token endpoint` is a read function that also records seen assertion ids. */
type ExpectedAccess = 'read' | 'write' | 'token endpoint' | 'none';

/**
 * Every route the stack must serve, written out rather than read from the route table under test (a
 * wrong path, method, access or authorizer there fails here): method, path, the operation whose
 * function it invokes, that function's table access, and API Gateway's authorization type.
 */
const EXPECTED_ROUTES: ReadonlyArray<readonly [string, string, string, ExpectedAccess, 'AWS_IAM' | 'NONE']> = [
  ['GET', '/scim/v2/{tenantId}/Users', 'listUsers', 'read', 'NONE'],
  ['POST', '/scim/v2/{tenantId}/Users', 'createUser', 'write', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/Users/{id}', 'getUser', 'read', 'NONE'],
  ['PUT', '/scim/v2/{tenantId}/Users/{id}', 'replaceUser', 'write', 'NONE'],
  ['PATCH', '/scim/v2/{tenantId}/Users/{id}', 'patchUser', 'write', 'NONE'],
  ['DELETE', '/scim/v2/{tenantId}/Users/{id}', 'deleteUser', 'write', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/Groups', 'listGroups', 'read', 'NONE'],
  ['POST', '/scim/v2/{tenantId}/Groups', 'createGroup', 'write', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/Groups/{id}', 'getGroup', 'read', 'NONE'],
  ['PUT', '/scim/v2/{tenantId}/Groups/{id}', 'replaceGroup', 'write', 'NONE'],
  ['PATCH', '/scim/v2/{tenantId}/Groups/{id}', 'patchGroup', 'write', 'NONE'],
  ['DELETE', '/scim/v2/{tenantId}/Groups/{id}', 'deleteGroup', 'write', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/ServiceProviderConfig', 'getServiceProviderConfig', 'read', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/ResourceTypes', 'listResourceTypes', 'read', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/ResourceTypes/{id}', 'getResourceType', 'read', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/Schemas', 'listSchemas', 'read', 'NONE'],
  ['GET', '/scim/v2/{tenantId}/Schemas/{id}', 'getSchema', 'read', 'NONE'],
  ['GET', '/profiles/v1/{tenantId}/users/{id}', 'getProfile', 'read', 'AWS_IAM'],
  ['PATCH', '/profiles/v1/{tenantId}/users/{id}', 'updateProfile', 'write', 'AWS_IAM'],
  ['GET', '/profiles/v1/{tenantId}/groups/{id}/members', 'listGroupProfiles', 'read', 'AWS_IAM'],
  ['POST', '/oauth2/v1/{tenantId}/token', 'issueAccessToken', 'token endpoint', 'NONE'],
  [
    'GET',
    '/.well-known/oauth-authorization-server/oauth2/v1/{tenantId}',
    'getAuthorizationServerMetadata',
    'read',
    'NONE',
  ],
  ['GET', '/profiles/v1/{tenantId}/users', 'listUserProfiles', 'read', 'AWS_IAM'],
  ['GET', '/profiles/v1/{tenantId}/groups', 'listGroupSnapshots', 'read', 'AWS_IAM'],
  ['GET', '/connections/v1/{tenantId}', 'getConnection', 'read', 'AWS_IAM'],
  ['GET', '/connections/v1/{tenantId}/tokens', 'listConnectionTokens', 'read', 'AWS_IAM'],
  ['POST', '/connections/v1/{tenantId}/tokens', 'issueConnectionToken', 'write', 'AWS_IAM'],
  ['DELETE', '/connections/v1/{tenantId}/tokens/{id}', 'revokeConnectionToken', 'write', 'AWS_IAM'],
  ['GET', '/connections/v1/{tenantId}/log', 'listConnectionLog', 'read', 'AWS_IAM'],
  ['GET', '/connections/v1/{tenantId}/settings', 'getConnectionSettings', 'read', 'AWS_IAM'],
  ['PUT', '/connections/v1/{tenantId}/settings/policy', 'setConnectionPolicy', 'write', 'AWS_IAM'],
  ['PATCH', '/connections/v1/{tenantId}/settings/mapping', 'setConnectionMapping', 'write', 'AWS_IAM'],
  ['POST', '/connections/v1/{tenantId}/disconnect', 'disconnectConnection', 'write', 'AWS_IAM'],
  ['POST', '/connections/v1/{tenantId}/reconnect', 'reconnectConnection', 'write', 'AWS_IAM'],
  ['POST', '/connections/v1/{tenantId}/test', 'testConnection', 'read', 'AWS_IAM'],
  ['POST', '/connections/v1/{tenantId}/portal-links', 'createPortalLink', 'read', 'AWS_IAM'],
  ['DELETE', '/connections/v1/{tenantId}/portal-links', 'revokePortalLinks', 'write', 'AWS_IAM'],
  ['GET', '/portal/{tenantId}/api/session', 'getPortalSession', 'read', 'NONE'],
  ['GET', '/portal/{tenantId}/api/connection', 'getConnection', 'read', 'NONE'],
  ['GET', '/portal/{tenantId}/api/tokens', 'listConnectionTokens', 'read', 'NONE'],
  ['POST', '/portal/{tenantId}/api/tokens', 'issueConnectionToken', 'write', 'NONE'],
  ['DELETE', '/portal/{tenantId}/api/tokens/{id}', 'revokeConnectionToken', 'write', 'NONE'],
  ['GET', '/portal/{tenantId}/api/log', 'listConnectionLog', 'read', 'NONE'],
  ['GET', '/portal/{tenantId}/api/settings', 'getConnectionSettings', 'read', 'NONE'],
  ['PUT', '/portal/{tenantId}/api/settings/policy', 'setConnectionPolicy', 'write', 'NONE'],
  ['PATCH', '/portal/{tenantId}/api/settings/mapping', 'setConnectionMapping', 'write', 'NONE'],
  ['POST', '/portal/{tenantId}/api/disconnect', 'disconnectConnection', 'write', 'NONE'],
  ['POST', '/portal/{tenantId}/api/reconnect', 'reconnectConnection', 'write', 'NONE'],
  ['POST', '/portal/{tenantId}/api/test', 'testConnection', 'read', 'NONE'],
  ['POST', '/portal/{tenantId}/api/session/end', 'endPortalSession', 'read', 'NONE'],
  ['GET', '/portal/{tenantId}/open', 'openPortalLink', 'read', 'NONE'],
  ['GET', '/portal/{tenantId}', 'getPortalPage', 'none', 'NONE'],
  ['GET', '/portal-assets/{file}', 'getPortalAsset', 'none', 'NONE'],
];

/**
 * What IAM must let every route write, as the code really keys it (adapters/dynamodb/keys.ts): a
 * prefix changed in one place and not the other fails here.
 */
const BOOKKEEPING_LEADING_KEYS = [logPartition('*'), tokenUseKey('*', '').pk];
const ASSERTION_REPLAY_LEADING_KEYS = [assertionReplayKey('*', '').pk];

/** Written out, not imported from the construct under test. */
const READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const READ_WRITE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];
/** Each function's DynamoDB statements by its access (actions sorted; leading keys where IAM fences them). */
const DYNAMO_STATEMENTS: Record<ExpectedAccess, { actions: string[]; leadingKeys?: string[] }[]> = {
  read: [
    { actions: READ_ACTIONS },
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: BOOKKEEPING_LEADING_KEYS },
  ],
  write: [{ actions: READ_WRITE_ACTIONS }],
  'token endpoint': [
    { actions: READ_ACTIONS },
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: BOOKKEEPING_LEADING_KEYS },
    { actions: ['dynamodb:PutItem'], leadingKeys: ASSERTION_REPLAY_LEADING_KEYS },
  ],
  none: [],
};
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

  /** The operation a function serves, from its description `SCIM <method> <path> (<operation>)`. */
  function operationOf(functionId: string | undefined): string | undefined {
    const description = template.findResources('AWS::Lambda::Function')[functionId ?? '']?.Properties.Description;
    return /\((\w+)\)$/.exec(String(description))?.[1];
  }

  it("serves exactly the routes written above, each with its authorization and integrated with its operation's function", () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Record<string, any>[];
    const served = methods.map((method) => [
      method.Properties.HttpMethod,
      pathOf(method.Properties.ResourceId?.Ref),
      operationOf(integratedFunctionOf(method)),
      method.Properties.AuthorizationType,
    ]);

    const expected = EXPECTED_ROUTES.map(([method, path, operation, , authorization]) => [
      method,
      path,
      operation,
      authorization,
    ]);
    const byRoute = (a: unknown[], b: unknown[]) => `${a[1]} ${a[0]}`.localeCompare(`${b[1]} ${b[0]}`);
    expect(served.sort(byRoute)).toEqual(expected.sort(byRoute));
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

  it.each(EXPECTED_ROUTES)(
    "grants %s %s's function (%s) exactly the DynamoDB statements of %s access",
    (_method, _path, operation, access) => {
      const { logicalId } = functionFor(operation);

      expect(dynamoStatementsOf(logicalId)).toEqual(DYNAMO_STATEMENTS[access]);
      const secretActions = policyActionsOf(logicalId).filter((action) => action.startsWith('secretsmanager:'));
      // The page and its assets carry no tenant data: no token key either.
      expect(secretActions.sort()).toEqual(
        access === 'none' ? [] : ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      );
    },
  );

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

  it('grants nobody Scan or a wildcard action', () => {
    for (const logicalId of Object.keys(template.findResources('AWS::Lambda::Function'))) {
      const actions = policyActionsOf(logicalId);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.some((action) => action === '*' || action.endsWith(':*'))).toBe(false);
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

  it('has the single table: on-demand, point-in-time recovery, new-image stream, TTL and the deployed keys-only indexes (a renamed one would be rebuilt)', () => {
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
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
        Match.objectLike({
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
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
