import {
  CLIENT_ASSERTION_TYPE_JWT,
  GRANT_JWT_BEARER,
  MAX_TOKEN_REQUEST_BYTES,
  OAuthError,
  parseTokenRequest,
  type RawTokenRequest,
} from '../../../lambdas/tenancy/oauth-request';

const FORM = 'application/x-www-form-urlencoded';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function refusal(raw: RawTokenRequest): OAuthError {
  try {
    parseTokenRequest(raw);
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('the request parsed');
}

describe('token request parsing (RFC 6749 §4.4, §2.3.1; RFC 7523 §2)', () => {
  it('reads HTTP Basic client credentials, form-url-decoding both parts', () => {
    const request = parseTokenRequest({
      contentType: FORM,
      authorization: basic('my%20client', 'a%2Bb+c'),
      body: 'grant_type=client_credentials',
    });

    expect(request).toEqual({
      grantType: 'client_credentials',
      credential: { kind: 'secret', method: 'client_secret_basic', clientId: 'my client', clientSecret: 'a+b c' },
      scope: ['scim'],
    });
  });

  it('reads client_id and client_secret from the form, with a charset parameter on the content type', () => {
    const request = parseTokenRequest({
      contentType: `${FORM}; charset=UTF-8`,
      body: 'grant_type=client_credentials&client_id=c1&client_secret=s1&scope=scim',
    });

    expect(request.credential).toEqual({
      kind: 'secret',
      method: 'client_secret_post',
      clientId: 'c1',
      clientSecret: 's1',
    });
  });

  it('reads a JWT client assertion and the JWT bearer grant', () => {
    const assertion = 'a.b.c';

    const clientAssertion = parseTokenRequest({
      contentType: FORM,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE_JWT,
        client_assertion: assertion,
      }).toString(),
    });
    const bearer = parseTokenRequest({
      contentType: FORM,
      body: new URLSearchParams({ grant_type: GRANT_JWT_BEARER, assertion }).toString(),
    });

    expect(clientAssertion.credential).toEqual({ kind: 'assertion', assertion });
    expect(bearer).toEqual({
      grantType: GRANT_JWT_BEARER,
      credential: { kind: 'assertion', assertion },
      scope: ['scim'],
    });
  });

  it('treats an empty parameter as absent (RFC 6749 §3.1)', () => {
    const request = parseTokenRequest({
      contentType: FORM,
      body: 'grant_type=client_credentials&client_id=c1&client_secret=s1&scope=',
    });

    expect(request.scope).toEqual(['scim']);
  });

  it.each([
    ['no body', { contentType: FORM }, 'invalid_request', /grant_type parameter is missing/],
    [
      'JSON instead of a form',
      { contentType: 'application/json', body: '{"grant_type":"client_credentials"}' },
      'invalid_request',
      /x-www-form-urlencoded/,
    ],
    ['no content type', { body: 'grant_type=client_credentials' }, 'invalid_request', /x-www-form-urlencoded/],
    [
      'an unsupported grant',
      { contentType: FORM, body: 'grant_type=password&username=a&password=b' },
      'unsupported_grant_type',
      /"password" is not supported/,
    ],
    [
      'a repeated parameter',
      { contentType: FORM, body: 'grant_type=client_credentials&client_id=a&client_id=b&client_secret=s' },
      'invalid_request',
      /"client_id" is repeated/,
    ],
    [
      'an unknown scope',
      { contentType: FORM, body: 'grant_type=client_credentials&client_id=a&client_secret=s&scope=scim%20admin' },
      'invalid_scope',
      /Unknown scope "admin"/,
    ],
    [
      'no client authentication',
      { contentType: FORM, body: 'grant_type=client_credentials' },
      'invalid_client',
      /No client authentication/,
    ],
    [
      'client_secret without client_id',
      { contentType: FORM, body: 'grant_type=client_credentials&client_secret=s' },
      'invalid_request',
      /needs client_id/,
    ],
    [
      'Basic and a form secret at once',
      { contentType: FORM, authorization: basic('a', 'b'), body: 'grant_type=client_credentials&client_secret=s' },
      'invalid_request',
      /one client authentication method/,
    ],
    [
      'a secret and an assertion at once',
      {
        contentType: FORM,
        body: `grant_type=client_credentials&client_id=a&client_secret=s&client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE_JWT)}&client_assertion=x.y.z`,
      },
      'invalid_request',
      /one client authentication method/,
    ],
    [
      'Basic naming another client_id than the form',
      { contentType: FORM, authorization: basic('a', 'b'), body: 'grant_type=client_credentials&client_id=other' },
      'invalid_request',
      /differs/,
    ],
    [
      'a Bearer header',
      { contentType: FORM, authorization: 'Bearer abc', body: 'grant_type=client_credentials' },
      'invalid_client',
      /Basic/,
    ],
    [
      'Basic without a colon',
      {
        contentType: FORM,
        authorization: `Basic ${Buffer.from('nocolon').toString('base64')}`,
        body: 'grant_type=client_credentials',
      },
      'invalid_client',
      /client_id:client_secret/,
    ],
    [
      'Basic with broken percent-encoding',
      { contentType: FORM, authorization: basic('a%zz', 'b'), body: 'grant_type=client_credentials' },
      'invalid_client',
      /form-url-encoded/,
    ],
    [
      'a wrong client_assertion_type',
      { contentType: FORM, body: 'grant_type=client_credentials&client_assertion_type=saml&client_assertion=x' },
      'invalid_request',
      /client_assertion_type must be/,
    ],
    [
      'client_assertion_type without the assertion',
      {
        contentType: FORM,
        body: `grant_type=client_credentials&client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE_JWT)}`,
      },
      'invalid_request',
      /client_assertion is missing/,
    ],
    [
      'the JWT bearer grant without assertion',
      { contentType: FORM, body: `grant_type=${encodeURIComponent(GRANT_JWT_BEARER)}` },
      'invalid_request',
      /needs the assertion/,
    ],
    [
      'the JWT bearer grant with a client secret',
      {
        contentType: FORM,
        body: `grant_type=${encodeURIComponent(GRANT_JWT_BEARER)}&assertion=x.y.z&client_id=a&client_secret=b`,
      },
      'invalid_request',
      /without client credentials/,
    ],
  ] as const)('refuses %s', (_name, raw, code, description) => {
    const error = refusal(raw);

    expect(error.error).toBe(code);
    expect(error.status).toBe(code === 'invalid_client' ? 401 : 400);
    expect(error.description).toMatch(description);
  });

  it('refuses a 1 MB body before parsing it', () => {
    const body = `grant_type=client_credentials&client_id=a&client_secret=${'x'.repeat(1024 * 1024)}`;

    const error = refusal({ contentType: FORM, body });

    expect(error.error).toBe('invalid_request');
    expect(error.description).toContain(`at most ${MAX_TOKEN_REQUEST_BYTES} bytes`);
  });

  it('never echoes a client secret in an error description', () => {
    const error = refusal({
      contentType: FORM,
      body: 'grant_type=client_credentials&client_secret=supersecretvalue&scope=nope',
    });

    expect(error.description).not.toContain('supersecretvalue');
  });
});
