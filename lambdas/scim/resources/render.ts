import type { ResourceTypeDefinition } from '../schema/attributes';
import type { ScimObject } from './normalize';

/** Server-owned parts of a stored resource that the representation shows in `id` and `meta`. */
export interface ResourceMeta {
  readonly id: string;
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
}

/** The weak ETag of a resource version (RFC 7644 §3.14); meta.version carries the same value. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** The location of a resource under a Tenant URL, e.g. `…/scim/v2/acme/Users/<id>`. */
export function locationOf(tenantUrl: string, resourceType: ResourceTypeDefinition, id: string): string {
  return `${tenantUrl}${resourceType.endpoint}/${encodeURIComponent(id)}`;
}

/**
 * The SCIM representation of a stored resource: `schemas` lists the core schema and each extension
 * that holds a value, then id, the attributes, and `meta` (RFC 7643 §3.1).
 */
export function renderResource(
  resourceType: ResourceTypeDefinition,
  meta: ResourceMeta,
  data: ScimObject,
  tenantUrl: string,
  extra: ScimObject = {},
): ScimObject {
  const extensions = resourceType.extensions
    .filter((extension) => data[extension.id] !== undefined)
    .map((extension) => extension.id);
  return {
    schemas: [resourceType.schema.id, ...extensions],
    id: meta.id,
    ...data,
    ...extra,
    meta: {
      resourceType: resourceType.name,
      created: meta.created,
      lastModified: meta.lastModified,
      version: etagOf(meta.version),
      location: locationOf(tenantUrl, resourceType, meta.id),
    },
  };
}
