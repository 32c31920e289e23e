import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../lambdas/contracts/table';
import { federateTenant } from '../../lambdas/operations/credentials/oauth-admin';
import { issueToken, revokeToken } from '../../lambdas/operations/tenants/tenant-admin';
import { CLIENT_ASSERTION_TYPE_JWT } from '../../lambdas/tenancy/oauth-request';
import { getWiring } from '../../lambdas/wiring';
import {
  createGroup,
  createUser,
  newTenant,
  patchBody,
  userBody,
  type ConformanceTenant,
} from '../support/conformance';
import { signAssertion, signingKey, startJwksServer, type JwksServer, type SigningKey } from '../support/jwks-server';
import { scim, useTestService } from '../support/local-service';
import { inspectionClient, scanAll, type RawItem } from '../support/table-inspection';
import { setGuard } from '../../lambdas/operations/removal-guard/guard-admin';

/**
 * DESIGN.md "Data": every key begins with the tenant, so IAM can fence a tenant by leading key and a
 * tenant can be deleted as a unit. After a workload of two tenants (one id a prefix of the other's)
 * touching every item kind, the whole table is scanned: every partition key, and every index
 * partition key but the documented `TENANTS` registry entry on tenant records, belongs to a tenant
 * that exists.
 */
describe('tenant-prefixed keys: every item a workload writes', () => {
  const service = useTestService();
  let client: DynamoDBDocumentClient;
  let items: RawItem[];
  const tenants: ConformanceTenant[] = [];
  let jwks: JwksServer;
  let key: SigningKey;

  /** Users, groups, memberships, renames, deletes (one held by the removal guard), failed requests (log entries), a token rotation and a federated token grant (a seen jti). */
  const workload = async (tenant: ConformanceTenant) => {
    const alice = await createUser(tenant, { externalId: 'shared-nickname' });
    const bob = await createUser(tenant, { externalId: 'shared-nickname' });
    const carol = await createUser(tenant);
    const group = await createGroup(tenant, { members: [{ value: alice.id }] });
    await scim(`${tenant.groups}/${group.id}`, tenant.token, {
      method: 'PATCH',
      body: patchBody([{ op: 'Add', path: 'members', value: [{ value: bob.id }, { value: carol.id }] }]),
    });
    await scim(`${tenant.users}/${bob.id}`, tenant.token, {
      method: 'PATCH',
      body: patchBody([
        { op: 'replace', path: 'userName', value: `renamed-${randomUUID().slice(0, 8)}@contoso.example` },
      ]),
    });
    // The removal guard at one removal: carol's delete publishes, dave's is held (guard item, held row).
    await setGuard(getWiring().deps, tenant.tenantId, { maxRemovals: 1 });
    const dave = await createUser(tenant);
    await scim(`${tenant.users}/${carol.id}`, tenant.token, { method: 'DELETE' });
    await scim(`${tenant.users}/${dave.id}`, tenant.token, { method: 'DELETE' });
    await scim(tenant.users, tenant.token, { method: 'POST', body: userBody({ userName: alice.userName }) });
    await scim(`${tenant.users}/${randomUUID()}`, tenant.token);
    await scim(`${tenant.groups}?filter=${encodeURIComponent('displayName eq "nobody"')}`, tenant.token);
    const second = await issueToken(getWiring().deps, tenant.tenantId, { label: 'rotation' });
    await scim(tenant.users, second.token);
    await revokeToken(getWiring().deps, tenant.tenantId, second.record.id);
    const trust = {
      issuer: 'https://issuer.example',
      jwksUrl: `${jwks.baseUrl}/keys`,
      subject: 'principal',
      audience: 'app',
    };
    await federateTenant(getWiring().deps, tenant.tenantId, trust, () => true);
    const assertion = await signAssertion(key, { iss: trust.issuer, aud: trust.audience, sub: trust.subject });
    const tokenUrl = `${service.baseUrl.replace(/\/scim\/v2$/, '')}/oauth2/v1/${tenant.tenantId}/token`;
    const granted = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE_JWT,
        client_assertion: assertion,
      }).toString(),
    });
    if (granted.status !== 200) throw new Error(`token endpoint answered ${granted.status}: ${await granted.text()}`);
  };

  beforeAll(async () => {
    client = inspectionClient();
    key = await signingKey('k1');
    jwks = await startJwksServer([key.jwk]);
    const first = await newTenant(service, 'pfx');
    // A second tenant whose id starts with the first one's: `TENANT#<a>` must not fence `TENANT#<a>-x`'s items.
    const second = await newTenant(service, first.tenantId);
    tenants.push(first, second);
    for (const tenant of tenants) await workload(tenant);
    items = await scanAll(client, service.tableName);
  }, 30_000);

  afterAll(async () => {
    client.destroy();
    await jwks.stop();
  });

  const existing = () =>
    new Set(
      items
        .filter((item) => item.sk === 'TENANT')
        .map((item) => String(item.tenantId ?? String(item.pk).replace(/^TENANT#/, ''))),
    );

  // `TENANT#` is spelled here on purpose: this suite pins the physical key format that IAM's
  // dynamodb:LeadingKeys fences on (docs/data-model.md), so it must not read it from keys.ts.
  /** The tenant whose prefix a key carries: the longest existing tenant id `t` with key = `TENANT#t` or key starting `TENANT#t#`. */
  const ownerOf = (key: string): string | undefined =>
    [...existing()]
      .filter((tenantId) => key === `TENANT#${tenantId}` || key.startsWith(`TENANT#${tenantId}#`))
      .sort((a, b) => b.length - a.length)[0];

  it('wrote every kind of item the data model documents (so the scan below proves something)', () => {
    const kinds = new Set(items.map((item) => String(item.kind)));
    const suffixes = new Set(items.map((item) => String(item.pk).split('#').slice(2, 3).join('')));

    expect([...kinds].sort()).toEqual(expect.arrayContaining(Object.values(TABLE.kinds)));
    expect([...suffixes]).toEqual(expect.arrayContaining(['USER', 'USERNAME', 'GROUP', 'EVENT', 'LOG', 'TOKENUSE']));
    expect(items.some((item) => String(item.sk).startsWith('COUNT#'))).toBe(true);
  });

  it('gives every item a partition key that begins with an existing tenant: TENANT#<tenantId> or TENANT#<tenantId>#…', () => {
    const strays = items
      .filter((item) => ownerOf(String(item.pk)) === undefined)
      .map((item) => `${String(item.pk)} / ${String(item.sk)}`);

    expect(existing()).toEqual(new Set([...tenants.map((tenant) => tenant.tenantId), 'demo']));
    expect(strays).toEqual([]);
  });

  it('gives every index partition key the same prefix, except the TENANTS registry entry of tenant records', () => {
    const strays: string[] = [];
    for (const item of items) {
      for (const index of Object.values(TABLE.indexes)) {
        const key = item[index.partitionKey];
        if (key === undefined) continue;
        if (key === 'TENANTS' && item.sk === 'TENANT') continue;
        if (ownerOf(String(key)) === undefined)
          strays.push(`${index.name} ${String(key)} on ${String(item.pk)} / ${String(item.sk)}`);
      }
    }

    expect(strays).toEqual([]);
    expect(
      items
        .filter((item) => item[TABLE.lookups.tenantRegistry.partitionKey] === 'TENANTS')
        .every((item) => item.sk === 'TENANT'),
    ).toBe(true);
  });

  it("keeps each workload's items under its own tenant: no item of one tenant names the other's resources", () => {
    const [first, second] = tenants as [ConformanceTenant, ConformanceTenant];
    const ofFirst = items.filter((item) => ownerOf(String(item.pk)) === first.tenantId);
    const ofSecond = items.filter((item) => ownerOf(String(item.pk)) === second.tenantId);
    const idsOfSecond = new Set(
      ofSecond
        .filter((item) => item.kind === TABLE.kinds.user || item.kind === TABLE.kinds.group)
        .map((item) => String(item.sk)),
    );

    expect(ofFirst.length).toBeGreaterThan(10);
    expect(ofSecond.length).toBeGreaterThan(10);
    expect(ofFirst.filter((item) => [...idsOfSecond].some((id) => JSON.stringify(item).includes(id)))).toEqual([]);
  });
});
