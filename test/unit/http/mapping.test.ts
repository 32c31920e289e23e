import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_STAGE, plusToSpaceOutsideQuotes, tenantUrlOf, toScimRequest } from '../../../lambdas/http/mapping';

describe('filter query decoding (Entra quirk 10: "+" for spaces)', () => {
  it('turns + between tokens into spaces', () => {
    expect(plusToSpaceOutsideQuotes('userName+eq+"alice@contoso.example"')).toBe('userName eq "alice@contoso.example"');
  });

  it('keeps + inside a quoted value (plus-addressed email)', () => {
    expect(plusToSpaceOutsideQuotes('userName+eq+"alice+news@contoso.example"')).toBe(
      'userName eq "alice+news@contoso.example"',
    );
  });
});

describe('attributes and excludedAttributes decoding: value filters get the same "+" rule', () => {
  it('turns + into spaces outside quotes in both parameters, and leaves other parameters alone', () => {
    const event = {
      path: '/scim/v2/acme/Users',
      headers: {},
      pathParameters: { tenantId: 'acme' },
      queryStringParameters: {
        attributes: 'emails[type+eq+"work"]',
        excludedAttributes: 'emails[value+eq+"a+b@x.example"]',
        cursor: 'a+b',
      },
      requestContext: { domainName: 'api.example.com', path: '/scim/v2/acme/Users' },
    } as unknown as APIGatewayProxyEvent;

    const request = toScimRequest(event, 'listUsers', undefined);

    expect(request.query).toEqual({
      attributes: 'emails[type eq "work"]',
      excludedAttributes: 'emails[value eq "a+b@x.example"]',
      cursor: 'a+b',
    });
  });
});

describe('Tenant URL of a request', () => {
  const event = (path: string, requestPath: string, headers: Record<string, string> = {}, stage = 'v1') =>
    ({
      path,
      headers,
      requestContext: { domainName: 'api.example.com', path: requestPath, stage },
    }) as unknown as APIGatewayProxyEvent;

  it('keeps the stage prefix API Gateway puts before /scim/v2', () => {
    expect(tenantUrlOf(event('/scim/v2/acme/Users', '/v1/scim/v2/acme/Users'), 'acme')).toBe(
      'https://api.example.com/v1/scim/v2/acme',
    );
  });

  it('has no prefix on a custom domain', () => {
    expect(tenantUrlOf(event('/scim/v2/acme/Users', '/scim/v2/acme/Users'), 'acme')).toBe(
      'https://api.example.com/scim/v2/acme',
    );
  });

  it('uses the forwarded scheme in local mode', () => {
    expect(
      tenantUrlOf(
        event('/scim/v2/acme/Users', '/scim/v2/acme/Users', { 'X-Forwarded-Proto': 'http' }, LOCAL_STAGE),
        'acme',
      ),
    ).toBe('http://api.example.com/scim/v2/acme');
  });

  it.each(['javascript', 'ftp', 'HTTPS://evil', ''])(
    'never takes the scheme %j from a client header in local mode',
    (proto) => {
      expect(
        tenantUrlOf(
          event('/scim/v2/acme/Users', '/scim/v2/acme/Users', { 'X-Forwarded-Proto': proto }, LOCAL_STAGE),
          'acme',
        ),
      ).toBe('http://api.example.com/scim/v2/acme');
    },
  );

  it.each(['http', 'javascript'])(
    'answers https on AWS whatever X-Forwarded-Proto says (%s): API Gateway serves HTTPS only',
    (proto) => {
      expect(
        tenantUrlOf(event('/scim/v2/acme/Users', '/scim/v2/acme/Users', { 'X-Forwarded-Proto': proto }), 'acme'),
      ).toBe('https://api.example.com/scim/v2/acme');
    },
  );
});
