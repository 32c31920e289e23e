import { ScimError } from '../../../scim/errors';
import { applyPatch, memberDeltaOf, parsePatchRequest } from '../../../scim/patch';
import { GROUP_RESOURCE_TYPE } from '../../../scim/schema/attributes';
import { checkMemberCount, HeldVersions, membershipWrites, resolveMembers, saveGroup } from './group-writes';
import { checkIfMatch, hasIfMatch, withRetryOnConflict } from '../preconditions';
import type { Operation } from '../../request';
import { etagOf } from '../../../scim/resources/render';
import { isCommitFailure } from '../../writes/write-plan';

/** Member ids one read may ask about beside the group item (BatchGetItem takes 100 keys). */
const NAMED_IN_ONE_READ = 99;

/**
 * PATCH /Groups/{id}: renames and member changes in Entra's two dialects and Okta's. Members are
 * separate items, so the cost grows with the members named, not with the group; concurrent member
 * changes of one group do not conflict (docs/data-model.md "Write path"). Answers 204, as Entra's
 * docs recommend for groups (entra §3).
 */
export const patchGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const operations = parsePatchRequest(request.body, GROUP_RESOURCE_TYPE);
  const delta = memberDeltaOf(operations, GROUP_RESOURCE_TYPE);
  const named = delta && !delta.replaceAll ? [...delta.add, ...delta.remove] : [];
  checkMemberCount(delta?.replaceAll?.length ?? named.length);
  // Many named members are read apart from the group: check the added ones exist first, once for
  // every try, so unknown ids are refused before thousands of membership reads (docs/security.md T11).
  let resolved =
    named.length > NAMED_IN_ONE_READ ? await resolveMembers(request, deps, delta?.add ?? [], id) : undefined;
  const held = new HeldVersions();
  const group = await withRetryOnConflict(request, `Group "${id}"`, async () => {
    // The group and the named members' state in one read when they fit (Entra names one member per op).
    const read =
      named.length <= NAMED_IN_ONE_READ
        ? await deps.groups.getGroupWithMembership(request.tenantId, id, named)
        : { group: await deps.groups.getGroup(request.tenantId, id) };
    const before = read.group;
    if (!before || before.deleting) throw ScimError.notFound(`Group "${id}" not found.`);
    // A version this request reserved itself (its last try hit a conflict) is not someone else's change.
    if (!held.isOwn(before.version)) checkIfMatch(request, before);
    const { data } = applyPatch(before.data, operations, GROUP_RESOURCE_TYPE);
    const members = await membershipWrites(request, deps, id, delta, 'present' in read ? read.present : undefined);
    const memberTypes = resolved ?? (await resolveMembers(request, deps, members.add, id));
    try {
      return await saveGroup(
        request,
        deps,
        { before, data, members, memberTypes },
        hasIfMatch(request) ? before.version : undefined,
        held,
      );
    } catch (error) {
      // A member deleted since the check: the next try checks again, and names it in a 400 at once.
      if (isCommitFailure(error, 'memberMissing')) resolved = undefined;
      throw error;
    }
  });
  return { status: 204, headers: { ETag: etagOf(group.version) } };
};
