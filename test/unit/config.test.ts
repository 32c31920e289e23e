import { ConfigError, DEFAULT_MAX_BODY_BYTES, readConfig } from '../../lambdas/config';
import { ENV } from '../../lambdas/contracts/env';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS } from '../../lambdas/tenancy/access-token-claims';

const base = { [ENV.tableName]: 'scim', [ENV.tokenKeyFile]: '/tmp/keys.json' };

describe('readConfig: an invalid value fails at start-up, naming the variable', () => {
  it('takes the defaults when the optional values are unset or empty', () => {
    const config = readConfig({ ...base, [ENV.maxBodyBytes]: '' });

    expect(config.maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(config.accessTokenLifetimeSeconds).toBe(DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS);
    expect(config.jwksAllowLoopbackHttp).toBe(false);
  });

  it('reads valid values', () => {
    const config = readConfig({
      ...base,
      [ENV.maxBodyBytes]: '2048',
      [ENV.accessTokenLifetime]: '7200',
      [ENV.jwksAllowLoopbackHttp]: 'true',
    });

    expect(config).toMatchObject({ maxBodyBytes: 2048, accessTokenLifetimeSeconds: 7200, jwksAllowLoopbackHttp: true });
  });

  it.each([
    [ENV.maxBodyBytes, '1MB'],
    [ENV.maxBodyBytes, '0'],
    [ENV.maxBodyBytes, '-5'],
    [ENV.maxBodyBytes, '1.5'],
    [ENV.maxBodyBytes, String(20 * 1024 * 1024)],
    [ENV.accessTokenLifetime, 'an hour'],
    [ENV.accessTokenLifetime, '60'],
    [ENV.accessTokenLifetime, '86400'],
    [ENV.jwksAllowLoopbackHttp, 'yes'],
  ])('refuses %s=%s with an error naming the variable', (variable, value) => {
    expect(() => readConfig({ ...base, [variable]: value })).toThrow(ConfigError);
    expect(() => readConfig({ ...base, [variable]: value })).toThrow(new RegExp(`^${variable} must be`));
  });

  it('never quotes the invalid value (it may be a misplaced secret)', () => {
    expect(() => readConfig({ ...base, [ENV.maxBodyBytes]: 'sk-live-secret' })).toThrow(/^(?!.*sk-live-secret)/);
  });

  it.each([
    ['the table name', { [ENV.tokenKeyFile]: '/tmp/keys.json' }, ENV.tableName],
    ['a token key source', { [ENV.tableName]: 'scim' }, ENV.tokenKeyFile],
  ])('refuses a configuration without %s, naming it', (_name, env, variable) => {
    expect(() => readConfig(env)).toThrow(variable);
  });
});
