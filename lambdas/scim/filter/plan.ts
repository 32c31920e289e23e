import type { ResourceTypeName } from '../schema/attributes';
import type { AttributePath, Filter } from './ast';

/** The indexed keys a list request can be answered from without reading the whole tenant. */
export type LookupKey = 'id' | 'userName' | 'externalId' | 'workEmail' | 'displayName';

/**
 * A key lookup that returns a superset of the filter's matches: the caller evaluates the whole
 * filter on the (few) candidates it finds.
 */
export interface LookupPlan {
  readonly key: LookupKey;
  readonly value: string;
}

/** Preference when a conjunction offers several keys: the most selective first. */
const PREFERENCE: readonly LookupKey[] = ['id', 'userName', 'externalId', 'workEmail', 'displayName'];

const KEYS_BY_TYPE: Readonly<Record<ResourceTypeName, ReadonlySet<LookupKey>>> = {
  User: new Set(['id', 'userName', 'externalId', 'workEmail']),
  Group: new Set(['id', 'externalId', 'displayName']),
};

function isCore(path: AttributePath): boolean {
  return path.schema === undefined || /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i.test(path.schema);
}

function named(path: AttributePath, attribute: string, subAttribute?: string): boolean {
  return (
    isCore(path) &&
    path.attribute.toLowerCase() === attribute.toLowerCase() &&
    (path.subAttribute ?? '').toLowerCase() === (subAttribute ?? '').toLowerCase()
  );
}

/** The string an `eq` compares with; unquoted words compare as written. */
function equalsText(filter: Filter): string | undefined {
  if (filter.kind !== 'compare' || filter.op !== 'eq') return undefined;
  if (typeof filter.value === 'string') return filter.value;
  if (filter.value === null) return undefined;
  return filter.unquoted ?? String(filter.value);
}

function conjuncts(filter: Filter): Filter[] {
  return filter.kind === 'and' ? [...conjuncts(filter.left), ...conjuncts(filter.right)] : [filter];
}

/** `emails[type eq "work" and value eq "x"]` (also written `emails[type eq "work"].value eq "x"`). */
function workEmail(filter: Filter): string | undefined {
  if (filter.kind !== 'valuePath' || !named(filter.path, 'emails')) return undefined;
  const inner = conjuncts(filter.filter);
  const isWork = inner.some(
    (part) => part.kind === 'compare' && named(part.path, 'type') && equalsText(part)?.toLowerCase() === 'work',
  );
  const value = inner
    .map((part) => (part.kind === 'compare' && named(part.path, 'value') ? equalsText(part) : undefined))
    .find((text) => text !== undefined);
  return isWork ? value : undefined;
}

function keyOf(filter: Filter): LookupPlan | undefined {
  const email = workEmail(filter);
  if (email !== undefined) return { key: 'workEmail', value: email };
  if (filter.kind !== 'compare') return undefined;
  const value = equalsText(filter);
  if (value === undefined) return undefined;
  const key = PREFERENCE.find((candidate) => candidate !== 'workEmail' && named(filter.path, candidate));
  return key ? { key, value } : undefined;
}

/**
 * Finds an indexed equality among the filter's top-level conjuncts (`userName eq "x"`,
 * `externalId eq "y" and active eq true`, …). Returns undefined when there is none: the caller then
 * pages through the tenant's resources instead.
 */
export function planLookup(filter: Filter, resourceType: ResourceTypeName): LookupPlan | undefined {
  const allowed = KEYS_BY_TYPE[resourceType];
  const plans = conjuncts(filter)
    .map(keyOf)
    .filter((plan): plan is LookupPlan => plan !== undefined && allowed.has(plan.key));
  return plans.sort((a, b) => PREFERENCE.indexOf(a.key) - PREFERENCE.indexOf(b.key))[0];
}
