import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ScimStack } from '../../lib/scim-stack';

/**
 * Each function's log group by logical id, as deployed stacks have them (written out, not derived).
 * A logical id derives from the construct path; a changed one makes CloudFormation create a new log
 * group and delete the old one with its logs (and a named or retained group would fail or be
 * orphaned), so a refactor that moves a log group or a function must fail here (lib/constructs/lambda-role.ts
 * executionScope). A new function is added here once it is deployed.
 */
const FUNCTION_LOG_GROUPS: Record<string, string> = {
  ChangeEventsPublisher39FDF089: 'ChangeEventsPublisherExecutionLogs12456C7D',
  ScimlistUsersFunction33540182: 'ScimlistUsersExecutionLogs8639F540',
  ScimcreateUserFunction9E4F75D3: 'ScimcreateUserExecutionLogs94BD6A4D',
  ScimgetUserFunctionC3E2E06D: 'ScimgetUserExecutionLogs1ACA540A',
  ScimreplaceUserFunction18DF9134: 'ScimreplaceUserExecutionLogsABF111A4',
  ScimpatchUserFunction3D899F93: 'ScimpatchUserExecutionLogs6E813534',
  ScimdeleteUserFunction4B149E40: 'ScimdeleteUserExecutionLogsD7D2AD76',
  ScimlistGroupsFunction46BCC120: 'ScimlistGroupsExecutionLogs0301F58D',
  ScimcreateGroupFunction8B227AE4: 'ScimcreateGroupExecutionLogsC77E83D4',
  ScimgetGroupFunction48DBF9F7: 'ScimgetGroupExecutionLogs3CCC2666',
  ScimreplaceGroupFunction4C1F8639: 'ScimreplaceGroupExecutionLogs93F13ED2',
  ScimpatchGroupFunctionE03D9E31: 'ScimpatchGroupExecutionLogsC7B8B74F',
  ScimdeleteGroupFunction450A521C: 'ScimdeleteGroupExecutionLogsF38446D4',
  ScimgetServiceProviderConfigFunction4EB3E098: 'ScimgetServiceProviderConfigExecutionLogsD1948D51',
  ScimlistResourceTypesFunctionBAFCF228: 'ScimlistResourceTypesExecutionLogsD2CF8896',
  ScimgetResourceTypeFunctionEFDCB48C: 'ScimgetResourceTypeExecutionLogsF275CC9F',
  ScimlistSchemasFunctionD628E74A: 'ScimlistSchemasExecutionLogs9106F91E',
  ScimgetSchemaFunction9F9F35DE: 'ScimgetSchemaExecutionLogs16026DD2',
  ScimgetProfileFunctionF38128F4: 'ScimgetProfileExecutionLogs970799F7',
  ScimupdateProfileFunction9BD574CF: 'ScimupdateProfileExecutionLogs420924F7',
  ScimlistGroupProfilesFunctionF4254662: 'ScimlistGroupProfilesExecutionLogsDCE3C4D2',
  ScimissueAccessTokenFunctionBD9FC1EC: 'ScimissueAccessTokenExecutionLogs3C9A726E',
  ScimgetAuthorizationServerMetadataFunction80E8CABC: 'ScimgetAuthorizationServerMetadataExecutionLogs8638AC52',
  ScimlistUserProfilesFunctionF201C4BA: 'ScimlistUserProfilesExecutionLogsB653A584',
  ScimlistGroupSnapshotsFunction0055E274: 'ScimlistGroupSnapshotsExecutionLogsD5160363',
  ScimgetConnectionFunction7513493E: 'ScimgetConnectionExecutionLogs2A1C9D56',
  ScimlistConnectionTokensFunctionD8794C26: 'ScimlistConnectionTokensExecutionLogsA1E13E7C',
  ScimissueConnectionTokenFunction8873FD28: 'ScimissueConnectionTokenExecutionLogsB7AB1AB6',
  ScimrevokeConnectionTokenFunction84FB8B6E: 'ScimrevokeConnectionTokenExecutionLogs759A582A',
  ScimlistConnectionLogFunction9613A0FE: 'ScimlistConnectionLogExecutionLogs79363338',
  ScimgetConnectionSettingsFunction329B4A1C: 'ScimgetConnectionSettingsExecutionLogs3431387D',
  ScimsetConnectionPolicyFunctionB81774BE: 'ScimsetConnectionPolicyExecutionLogsC336C579',
  ScimsetConnectionMappingFunction99F39392: 'ScimsetConnectionMappingExecutionLogs97A0D608',
  ScimdisconnectConnectionFunctionF75E39FC: 'ScimdisconnectConnectionExecutionLogsC22AD4B4',
  ScimreconnectConnectionFunctionBE7D3A18: 'ScimreconnectConnectionExecutionLogs83D23574',
  ScimtestConnectionFunction8241B880: 'ScimtestConnectionExecutionLogsCB46E618',
  ScimcreatePortalLinkFunction7445BA1F: 'ScimcreatePortalLinkExecutionLogs37CDD172',
  ScimrevokePortalLinksFunctionE36FE64A: 'ScimrevokePortalLinksExecutionLogs2E8F7C10',
  ScimgetPortalSessionFunctionCED0B9D5: 'ScimgetPortalSessionExecutionLogs7AE68BF1',
  ScimendPortalSessionFunctionEA2515D6: 'ScimendPortalSessionExecutionLogs00E34371',
  ScimopenPortalLinkFunction4D8835BC: 'ScimopenPortalLinkExecutionLogsAC6B49A8',
  ScimgetPortalPageFunctionC3A01347: 'ScimgetPortalPageExecutionLogsCC7BC636',
  ScimgetPortalAssetFunctionC587CBA8: 'ScimgetPortalAssetExecutionLogs2E19EA45',
  GraphSyncDispatcher5457AF98: 'GraphSyncDispatcherExecutionLogsB080D65C',
  GraphSyncRunnerA7873939: 'GraphSyncRunnerExecutionLogs23A78299',
};

/** The other log groups, retained when the stack goes: API access logs and the sync state machine's. */
const RETAINED_LOG_GROUPS = ['ScimAccessLogsAD98D97B', 'GraphSyncStateMachineLogs5B414668'];

describe('Log groups keep their deployed logical ids', () => {
  let resources: Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, any> }>;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    resources = Template.fromStack(new ScimStack(app, 'Test')).toJSON().Resources;
  });

  it.each(Object.entries(FUNCTION_LOG_GROUPS))('function %s logs to log group %s', (functionId, logGroupId) => {
    const fn = resources[functionId];
    const logGroup = resources[logGroupId];

    expect(fn?.Type).toBe('AWS::Lambda::Function');
    expect(fn?.Properties?.LoggingConfig?.LogGroup).toEqual({ Ref: logGroupId });
    expect(logGroup?.Type).toBe('AWS::Logs::LogGroup');
    // CloudFormation names it: an explicit name would make any replacement fail with "already exists".
    expect(logGroup?.Properties?.LogGroupName).toBeUndefined();
  });

  it.each(RETAINED_LOG_GROUPS)('keeps the retained log group %s', (logGroupId) => {
    expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain' });
  });
});
