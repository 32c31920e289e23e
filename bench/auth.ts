import { tokenUrlOf } from '../lambdas/admin/target';
import { createClient } from '../lambdas/operations/credentials/oauth-admin';
import { getWiring } from '../lambdas/wiring';
import type { BenchEnvironment, BenchTenant } from './harness';
import { percentile, progress, round } from './harness';
import { countByName, matchCall, measureDirect } from './operations';

const median = (values: readonly number[]) => percentile(values, 50);

/** What one way of authenticating costs per SCIM request, with warm container caches. */
export interface CredentialFigures {
  /** DynamoDB requests of the whole matchUserName call (the SCIM work is the same for both). */
  readonly dynamodbRequests: number;
  readonly commands: Record<string, number>;
  /** Median CPU of the whole matchUserName handler call, ms. */
  readonly handlerCpuMs: number;
  /** Median CPU of the authentication step alone (Authenticator.authenticate), microseconds. */
  readonly authenticateCpuUs: number;
  /** DynamoDB requests authentication itself sends with a warm cache. */
  readonly authenticateRequests: number;
}

export interface AuthFigures {
  readonly secretToken: CredentialFigures;
  readonly accessToken: CredentialFigures;
  /** DynamoDB requests a forged access token costs (verified offline: none). */
  readonly forgedAccessTokenRequests: number;
  /** The client credentials grant over HTTP through the local server. */
  readonly tokenEndpoint: {
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly handlerCpuMs: number;
    readonly dynamodbRequests: number;
    readonly commands: Record<string, number>;
  };
}

async function measureCredential(
  environment: BenchEnvironment,
  tenant: BenchTenant,
  runs: number,
): Promise<CredentialFigures> {
  const call = matchCall(`nobody@${tenant.tenantId}.example`);
  await measureDirect(environment, tenant, call);
  const cpu: number[] = [];
  let last = { commands: [] as { name: string }[] };
  for (let run = 0; run < runs; run += 1) {
    const measured = await measureDirect(environment, tenant, call);
    cpu.push(measured.cpuMs);
    last = measured;
  }
  const authenticator = getWiring().authenticator;
  const authCpu: number[] = [];
  let authRequests = 0;
  for (let run = 0; run < Math.max(runs, 50); run += 1) {
    const { commands } = await environment.record(async () => {
      const before = process.cpuUsage();
      await authenticator.authenticate(tenant.tenantId, `Bearer ${tenant.token}`);
      const used = process.cpuUsage(before);
      authCpu.push(used.user + used.system);
    });
    authRequests = Math.max(authRequests, commands.length);
  }
  return {
    dynamodbRequests: last.commands.length,
    commands: countByName(last.commands as never),
    handlerCpuMs: round(median(cpu), 3),
    authenticateCpuUs: round(median(authCpu), 1),
    authenticateRequests: authRequests,
  };
}

/**
 * Authentication per request with an OAuth access token vs the Secret Token (same SCIM call, same
 * tenant), and the token endpoint's latency (docs/performance.md "Authentication").
 */
export async function measureAuth(
  environment: BenchEnvironment,
  options: { direct: number; http: number },
): Promise<AuthFigures> {
  const tenant = await environment.createTenant('auth');
  const { client, clientSecret } = await createClient(getWiring().deps, tenant.tenantId, { label: 'bench' });
  const tokenUrl = tokenUrlOf(environment.service.baseUrl, tenant.tenantId);
  const basic = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`;
  const requestToken = async () => {
    const started = performance.now();
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || !body.access_token) throw new Error(`token endpoint answered ${response.status}`);
    return { ms: performance.now() - started, token: body.access_token };
  };

  progress(`auth: token endpoint, ${options.http} client credentials grants`);
  const { token: accessToken } = await requestToken();
  const latencies: number[] = [];
  for (let run = 0; run < options.http; run += 1) latencies.push((await requestToken()).ms);
  const endpointCpu: number[] = [];
  let endpointCommands: { name: string }[] = [];
  for (let run = 0; run < options.direct; run += 1) {
    const { commands } = await environment.record(async () => {
      const before = process.cpuUsage();
      await environment.invokeOAuth(
        'issueAccessToken',
        tenant.tenantId,
        { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        'grant_type=client_credentials',
      );
      const used = process.cpuUsage(before);
      endpointCpu.push((used.user + used.system) / 1000);
    });
    endpointCommands = commands;
  }

  progress('auth: per-request cost, Secret Token vs access token');
  const secretToken = await measureCredential(environment, tenant, options.direct);
  const oauthTenant: BenchTenant = { tenantId: tenant.tenantId, token: accessToken };
  const accessTokenFigures = await measureCredential(environment, oauthTenant, options.direct);
  const [header = '', payload = ''] = accessToken.split('.');
  const { commands: forged } = await environment.record(() =>
    getWiring()
      .authenticator.authenticate(tenant.tenantId, `Bearer ${header}.${payload}.${'A'.repeat(43)}`)
      .catch(() => undefined),
  );

  return {
    secretToken,
    accessToken: accessTokenFigures,
    forgedAccessTokenRequests: forged.length,
    tokenEndpoint: {
      p50Ms: round(median(latencies)),
      p99Ms: round(percentile(latencies, 99)),
      handlerCpuMs: round(median(endpointCpu), 3),
      dynamodbRequests: endpointCommands.length,
      commands: countByName(endpointCommands as never),
    },
  };
}
