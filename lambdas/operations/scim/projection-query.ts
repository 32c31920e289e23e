import type { OperationName } from '../../contracts/routes';
import { parseAttributeList } from '../../scim/resources/projection';
import { GROUP_RESOURCE_TYPE } from '../../scim/schema/attributes';
import type { ScimRequest } from '../request';
import { userTypeOf } from '../profiles/tenant-schema';

/** The operations whose answer is projected by `attributes`/`excludedAttributes` (RFC 7644 §3.9), and what they return. */
const PROJECTED: Partial<Record<OperationName, 'User' | 'Group'>> = {
  listUsers: 'User',
  getUser: 'User',
  createUser: 'User',
  replaceUser: 'User',
  patchUser: 'User',
  listGroups: 'Group',
  getGroup: 'Group',
  createGroup: 'Group',
  replaceGroup: 'Group',
  patchGroup: 'Group',
};

/**
 * Refuses a malformed `attributes`/`excludedAttributes` (400 invalidValue) before the operation
 * runs: a write must not commit and then answer 400 because its response could not be projected.
 */
export function checkProjectionQuery(request: ScimRequest): void {
  const returns = PROJECTED[request.operation];
  if (!returns) return;
  const resourceType = returns === 'User' ? userTypeOf(request) : GROUP_RESOURCE_TYPE;
  parseAttributeList(request.query.attributes, resourceType);
  parseAttributeList(request.query.excludedAttributes, resourceType, 'excludedAttributes');
}
