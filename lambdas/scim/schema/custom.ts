import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './attributes';

/** A tenant's own extension URN, e.g. `urn:ietf:params:scim:schemas:extension:acme:2.0:User` (entra §4 quirk 4). */
export const CUSTOM_EXTENSION =
  /^(urn:ietf:params:scim:schemas:extension:[A-Za-z0-9_-]+:2\.0:User):([A-Za-z][A-Za-z0-9_-]*)$/;

function stringAttribute(name: string): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description: `${name} (tenant-defined)`,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  };
}

/**
 * The User resource type of a tenant whose mapping names attributes of its own extension schemas
 * (`urn:…:extension:acme:2.0:User:costCenter`): those schemas are accepted, stored and listed in
 * /Schemas for that tenant. Their attributes are single-valued strings.
 */
export function withCustomExtensions(
  base: ResourceTypeDefinition,
  attributePaths: readonly string[],
): ResourceTypeDefinition {
  const known = new Set(base.extensions.map((extension) => extension.id.toLowerCase()));
  const custom = new Map<string, Set<string>>();
  for (const path of attributePaths) {
    const match = CUSTOM_EXTENSION.exec(path);
    if (!match || known.has((match[1] as string).toLowerCase())) continue;
    const urn = match[1] as string;
    custom.set(urn, (custom.get(urn) ?? new Set()).add(match[2] as string));
  }
  if (custom.size === 0) return base;
  const schemas: SchemaDefinition[] = [...custom].map(([urn, names]) => ({
    id: urn,
    name: urn.split(':').at(-3) ?? 'Custom',
    description: 'Tenant-defined extension',
    attributes: [...names].sort().map(stringAttribute),
  }));
  return { ...base, extensions: [...base.extensions, ...schemas] };
}
