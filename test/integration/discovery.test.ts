import { SERVICE_PROVIDER_CONFIG_SCHEMA } from '../../lambdas/scim/schema/urns';
import { ENTERPRISE_URN, ERROR_URN, GROUP_URN, LIST_URN, USER_URN } from '../support/conformance';
import { scim, useTestService } from '../support/local-service';

describe('discovery endpoints over HTTP against the local server (RFC 7644 §4)', () => {
  const service = useTestService();
  let base: string;
  let token: string;

  beforeAll(async () => {
    base = service.tenantUrl;
    token = service.token;
  });

  it('serves the ServiceProviderConfig with patch, etag and pagination, and without bulk', async () => {
    const response = await scim(`${base}/ServiceProviderConfig`, token);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.body).toMatchObject({
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      patch: { supported: true },
      etag: { supported: true },
      bulk: { supported: false },
      sort: { supported: false },
      pagination: { index: true, cursor: true },
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    });
  });

  it('lists the User and Group resource types as a ListResponse', async () => {
    const response = await scim(`${base}/ResourceTypes`, token);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ schemas: [LIST_URN], totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect((response.body?.Resources as Record<string, unknown>[]).map((type) => type.id)).toEqual(['User', 'Group']);
  });

  it('serves the User resource type by id, with the enterprise extension optional', async () => {
    const response = await scim(`${base}/ResourceTypes/User`, token);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: 'User',
      endpoint: '/Users',
      schema: USER_URN,
      schemaExtensions: [{ schema: ENTERPRISE_URN, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    });
  });

  it('lists the User, Group and enterprise schemas, with no null anywhere (entra README §1)', async () => {
    const response = await scim(`${base}/Schemas`, token);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ schemas: [LIST_URN], totalResults: 3, startIndex: 1 });
    expect((response.body?.Resources as Record<string, unknown>[]).map((schema) => schema.id)).toEqual([
      USER_URN,
      GROUP_URN,
      ENTERPRISE_URN,
    ]);
    expect(JSON.stringify(response.body)).not.toContain('null');
  });

  it('serves the Group schema by its URN', async () => {
    const response = await scim(`${base}/Schemas/${GROUP_URN}`, token);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: GROUP_URN,
      name: 'Group',
      meta: { resourceType: 'Schema', location: `${base}/Schemas/${GROUP_URN}` },
    });
    expect((response.body?.attributes as Record<string, unknown>[]).map((attribute) => attribute.name)).toEqual([
      'externalId',
      'displayName',
      'members',
    ]);
  });

  it('answers a method a path does not serve with a SCIM 405 naming the ones it does in Allow (RFC 9110 §15.5.6)', async () => {
    const response = await scim(`${base}/ServiceProviderConfig`, token, { method: 'DELETE' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '405' });
  });

  it('answers an unknown schema with a SCIM 404', async () => {
    const response = await scim(`${base}/Schemas/urn:example:params:scim:schemas:core:2.0:Device`, token);

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      schemas: [ERROR_URN],
      status: '404',
      detail: expect.stringContaining('Device'),
    });
  });

  it.each(['ServiceProviderConfig', 'ResourceTypes', 'Schemas'])(
    'refuses /%s without a token with a SCIM 401',
    async (path) => {
      const response = await scim(`${base}/${path}`, undefined);

      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ schemas: [ERROR_URN], status: '401' });
    },
  );
});
