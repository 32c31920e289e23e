import { buildEvent, type ChangeEvent } from '../../../events/catalog';
import { ScimError } from '../../../scim/errors';
import { logEntryOfEvent } from '../../../tenancy/provisioning-log';
import { scimErrorOf } from '../preconditions';
import { CommitFailure, isCommitFailure, type WritePlan } from '../../writes/write-plan';
import { normalizeResource } from '../../../scim/resources/normalize';
import { renderResource } from '../../../scim/resources/render';
import { profileOf } from '../../profiles/effective-profile';
import { userTypeOf } from '../../profiles/tenant-schema';
import type { StoredResource } from '../../ports';
import type { Operation } from '../../request';
import { userResponse } from './user-reads';

/** The user, its userName marker (the uniqueness constraint: no read before the write), the count and the event. */
export function createUserPlan(tenantId: string, user: StoredResource, event: ChangeEvent): WritePlan {
  return {
    tenantId,
    transactions: [
      {
        writes: [
          { type: 'putResource', resourceType: 'User', resource: user, expected: { kind: 'absent' } },
          { type: 'claimUserName', userName: String(user.data.userName), userId: user.id },
          { type: 'countResources', resourceType: 'User', delta: 1 },
          { type: 'event', event },
          { type: 'log', entry: logEntryOfEvent(event) },
        ],
      },
    ],
  };
}

/** POST /Users: one transaction writes the user, its userName marker and its `User Created` event. */
export const createUser: Operation = async (request, deps) => {
  const data = normalizeResource(request.body, userTypeOf(request));
  const now = deps.clock.now().toISOString();
  const user: StoredResource = { id: deps.ids.newId(), version: 1, created: now, lastModified: now, data };
  const resource = renderResource(userTypeOf(request), user, data, request.tenantUrl);
  const event = buildEvent({
    detailType: 'User Created',
    tenantId: request.tenantId,
    resourceType: 'User',
    resourceId: user.id,
    version: user.version,
    occurredAt: now,
    requestId: request.requestId,
    changedAttributes: Object.keys(data),
    snapshot: resource,
    profile: profileOf(request.tenant, user),
  });

  try {
    await deps.writes.commit(createUserPlan(request.tenantId, user, event));
  } catch (error) {
    if (isCommitFailure(error, 'uniqueConflict'))
      throw ScimError.conflict(`userName "${String(data.userName)}" is already taken in this tenant.`);
    if (error instanceof CommitFailure) throw scimErrorOf(error, request, `User "${user.id}"`);
    throw error;
  }

  return userResponse(request, 201, user);
};
