import { deepEqual } from '../patch/deep-equal';
import type { ResourceTypeDefinition } from '../schema/attributes';
import { isPlainObject, type ScimObject } from './normalize';

/**
 * The attributes whose value differs between two stored documents: core top-level names, extension
 * ones as `<urn>:<attr>`, sorted. The one definition of "what changed" that PATCH, PUT, events and
 * the provisioning log share.
 */
export function changedAttributes(
  before: ScimObject,
  after: ScimObject,
  resourceType: ResourceTypeDefinition,
): string[] {
  const extensions = new Set(resourceType.extensions.map((extension) => extension.id));
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!extensions.has(key)) {
      if (!deepEqual(before[key], after[key])) changed.push(key);
      continue;
    }
    const old = isPlainObject(before[key]) ? before[key] : {};
    const next = isPlainObject(after[key]) ? after[key] : {};
    for (const name of new Set([...Object.keys(old), ...Object.keys(next)])) {
      if (!deepEqual(old[name], next[name])) changed.push(`${key}:${name}`);
    }
  }
  return changed.sort();
}
