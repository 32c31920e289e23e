import { ScimError } from '../../scim/errors';
import type { Dependencies, StoredResource } from '../ports';
import type { ScimRequest } from '../request';
import { checkIfMatch, hasIfMatch } from './preconditions';

/**
 * The first step of DELETE /Users/{id} and /Groups/{id}: marks the resource as being deleted
 * (WriteStore.beginDelete). With If-Match only at the version it names: 404 when the resource is gone
 * or already being deleted, 412 when it changed; without it never 412 (docs/security.md T14).
 */
export async function beginDeleteOf(
  request: ScimRequest,
  deps: Pick<Dependencies, 'directory' | 'groups' | 'writes'>,
  resourceType: 'User' | 'Group',
  what: string,
): Promise<StoredResource> {
  const id = request.pathParameters.id ?? '';
  let expectedVersion: number | undefined;
  if (hasIfMatch(request)) {
    const stored =
      resourceType === 'User'
        ? await deps.directory.getUser(request.tenantId, id)
        : await deps.groups.getGroup(request.tenantId, id);
    if (!stored || stored.deleting) throw ScimError.notFound(`${what} not found.`);
    checkIfMatch(request, stored);
    expectedVersion = stored.version;
  }
  return deps.writes.beginDelete(request.tenantId, resourceType, id, expectedVersion);
}
