import { createUser } from '../../../lambdas/operations/scim/users/create-user';
import { patchUser } from '../../../lambdas/operations/scim/users/patch-user';
import { replaceUser } from '../../../lambdas/operations/scim/users/replace-user';
import { CommitFailure } from '../../../lambdas/operations/writes/write-plan';
import { MemoryPorts, scimRequest } from '../../support/memory-ports';
import { PATCH_OP, USER_SCHEMA } from '../../../lambdas/scim/schema/urns';

const USER = USER_SCHEMA;
const PATCH = PATCH_OP;

describe('user use cases over in-memory ports (the write plan, without Java)', () => {
  let ports: MemoryPorts;

  beforeEach(() => {
    ports = new MemoryPorts();
    ports.seedUser('u1', 'ada@contoso.example');
    ports.seedUser('u2', 'grace@contoso.example');
  });

  const put = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    scimRequest('replaceUser', {
      pathParameters: { tenantId: 'acme', id },
      headers,
      body: { schemas: [USER], ...body },
    });

  it('PUT with a new userName moves the marker in the same transaction as the user and its event', async () => {
    const response = await replaceUser(put('u1', { userName: 'ada.l@contoso.example', active: true }), ports.deps());

    expect(response.status).toBe(200);
    expect(ports.userNames.get('ada.l@contoso.example')).toBe('u1');
    expect(ports.userNames.has('ada@contoso.example')).toBe(false);
    expect(ports.committed).toHaveLength(1);
    expect(ports.committed[0]?.writes.map((write) => write.type)).toEqual([
      'putResource',
      'claimUserName',
      'releaseUserName',
      'event',
      'log',
    ]);
    expect(ports.events[0]).toMatchObject({ detailType: 'User Updated', version: 2, changedAttributes: ['userName'] });
  });

  it('PUT renaming to a taken userName answers 409 uniqueness and changes nothing', async () => {
    await expect(replaceUser(put('u1', { userName: 'GRACE@contoso.example' }), ports.deps())).rejects.toMatchObject({
      status: 409,
      scimType: 'uniqueness',
    });

    expect(ports.users.get('u1')?.data.userName).toBe('ada@contoso.example');
    expect(ports.events).toEqual([]);
  });

  it('PUT with a stale If-Match answers 412; without If-Match a lost race is read again and applied', async () => {
    await expect(
      replaceUser(put('u1', { userName: 'ada@contoso.example', title: 'x' }, { 'if-match': 'W/"9"' }), ports.deps()),
    ).rejects.toMatchObject({ status: 412 });
    ports.failNext(new CommitFailure('versionConflict', 'someone wrote first'));

    const response = await patchUser(
      scimRequest('patchUser', {
        pathParameters: { tenantId: 'acme', id: 'u1' },
        body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Countess' }] },
      }),
      ports.deps(),
    );

    expect(response.status).toBe(200);
    expect(ports.users.get('u1')?.data.title).toBe('Countess');
    expect(ports.events.map((event) => event.detailType)).toEqual(['User Updated']);
  });

  it('POST of a taken userName (another case) answers 409 and writes nothing', async () => {
    const request = scimRequest('createUser', { body: { schemas: [USER], userName: 'ADA@contoso.example' } });

    await expect(createUser(request, ports.deps())).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });

    expect(ports.users.size).toBe(2);
    expect(ports.events).toEqual([]);
  });
});
