import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DEFAULT_MAX_BODY_BYTES, type Config } from '../config';
import { OAUTH_BASE_PATH, SCIM_BASE_PATH } from '../contracts/routes';
import type { LocalInstance } from '../local/run';
import { AdminError } from '../operations/tenants/tenant-admin';

/** Where the admin CLI works: the table, the token key and the base of Tenant URLs. */
export interface Target {
  readonly config: Config;
  /** Tenant URLs are `<tenantUrlBase>/<tenantId>`. */
  readonly tenantUrlBase: string;
  readonly description: string;
  /** Name prefix of the Graph connectors' secrets in Secrets Manager (deployed stacks; absent locally). */
  readonly syncSecretPrefix?: string;
}

export interface TargetOptions {
  readonly local: boolean;
  /** The checkout's `.local` folder, where `npm start` writes instance.json. */
  readonly dataDir: string;
  readonly stack: string;
  readonly region?: string;
}

/** `/scim/v2`: Tenant URLs are `<service base>/scim/v2/<tenantId>`. */
const SCIM_BASE = SCIM_BASE_PATH;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `--local`: the instance `npm start` runs from this checkout (its DynamoDB Local, table and key file). */
function localTarget(dataDir: string): Target {
  const file = join(dataDir, 'instance.json');
  if (!existsSync(file))
    throw new AdminError(`No local instance found (${file} is missing): run "npm start" in this checkout first.`);
  const instance = JSON.parse(readFileSync(file, 'utf8')) as LocalInstance;
  if (!isRunning(instance.pid))
    throw new AdminError(`The local instance (pid ${instance.pid}) is not running: start it with "npm start".`);
  return {
    config: {
      tableName: instance.tableName,
      dynamodbEndpoint: instance.endpoint,
      tokenKeyFile: instance.tokenKeyFile,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    },
    tenantUrlBase: instance.baseUrl,
    description: `local instance at ${instance.baseUrl}`,
  };
}

/** The deployed stack, found by name and region from its CloudFormation outputs (default credentials). */
async function stackTarget(stack: string, region: string | undefined): Promise<Target> {
  const client = new CloudFormationClient(region ? { region } : {});
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
    );
    const { TableName, TokenKeySecretArn, TenantUrlBase, GraphSyncSecretPrefix } = outputs;
    if (!TableName || !TokenKeySecretArn || !TenantUrlBase) {
      throw new AdminError(
        `Stack ${stack} lacks the outputs TableName, TokenKeySecretArn and TenantUrlBase: is it a SCIM stack?`,
      );
    }
    return {
      config: { tableName: TableName, tokenKeySecretArn: TokenKeySecretArn, maxBodyBytes: DEFAULT_MAX_BODY_BYTES },
      tenantUrlBase: TenantUrlBase.replace(/\/$/, ''),
      description: `stack ${stack}${region ? ` in ${region}` : ''}`,
      ...(GraphSyncSecretPrefix ? { syncSecretPrefix: GraphSyncSecretPrefix } : {}),
    };
  } catch (error) {
    if (error instanceof AdminError) throw error;
    throw new AdminError(`Could not read stack ${stack}: ${(error as Error).message}`, { cause: error });
  } finally {
    client.destroy();
  }
}

/** Where the service's URLs start: a Tenant URL base without its `/scim/v2`. */
function serviceBase(tenantUrlBase: string): string {
  return tenantUrlBase.endsWith(SCIM_BASE) ? tenantUrlBase.slice(0, -SCIM_BASE.length) : tenantUrlBase;
}

/** `<base>/scim/v2` → `<base>/oauth2/v1/<tenant>/token`: the Token URL to paste into Entra. */
export function tokenUrlOf(tenantUrlBase: string, tenantId: string): string {
  return `${serviceBase(tenantUrlBase)}${OAUTH_BASE_PATH.replace('{tenantId}', encodeURIComponent(tenantId))}/token`;
}

/** Where the service's URLs start for a target: its Tenant URL base without `/scim/v2`. */
export function serviceBaseOf(target: Target): string {
  return serviceBase(target.tenantUrlBase);
}

/** Resolves `--local` or `--stack`/`--region` to the table, token key and Tenant URL base to work on. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  return options.local ? localTarget(options.dataDir) : stackTarget(options.stack, options.region);
}
