import { ScimError } from '../../../scim/errors';
import { groupResponse } from './group-reads';
import { notModified } from '../preconditions';
import type { Operation } from '../../request';

/** GET /Groups/{id}: with excludedAttributes=members it is one GetItem, whatever the group's size. */
export const getGroup: Operation = async (request, deps) => {
  const id = request.pathParameters.id ?? '';
  const group = await deps.groups.getGroup(request.tenantId, id);
  if (!group) throw ScimError.notFound(`Group "${id}" not found.`);
  return notModified(request, group) ?? groupResponse(request, deps, 200, group);
};
