/**
 * Scope: which Graph users the sync keeps active. Graph's delta query cannot filter on these
 * (Graph "user: delta" supports no $filter but on id), so they apply on our side. Pure.
 */
import type { ScopeFilters } from './connector';

/** Why a user is out of scope, or undefined when it is in. */
export function outOfScopeReason(
  user: Readonly<Record<string, unknown>>,
  memberOf: readonly string[],
  filters: ScopeFilters,
  scopeGroupIds: ReadonlySet<string>,
): string | undefined {
  if (filters.accountEnabled !== undefined && (user.accountEnabled !== false) !== filters.accountEnabled)
    return `accountEnabled is not ${filters.accountEnabled}`;
  for (const [attribute, allowed] of Object.entries(filters.attributes)) {
    const raw = user[attribute];
    const values = (Array.isArray(raw) ? raw : [raw])
      .filter((value): value is string => typeof value === 'string')
      .map((value) => value.toLowerCase());
    if (!allowed.some((candidate) => values.includes(candidate.toLowerCase())))
      return `${attribute} is not one of ${allowed.join(', ')}`;
  }
  if (filters.groups.length > 0 && !memberOf.some((groupId) => scopeGroupIds.has(groupId)))
    return `not a member of ${filters.groups.join(', ')}`;
  return undefined;
}
