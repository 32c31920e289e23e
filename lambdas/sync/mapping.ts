/**
 * From a Graph user to SCIM: which Graph property fills each profile field, and the SCIM PATCH
 * operations that write it to the attribute the tenant's mapping names for that field
 * (lambdas/tenancy/profile.ts, docs/ownership.md). So a Graph-connected tenant stores what a
 * SCIM-connected one would, and SCIM reads, profiles and events look the same. Pure.
 */
import { ENTERPRISE_PREFIX, mappingOf, type ProfileSettings } from '../tenancy/profile';
import { ConnectorError, isUserProperty, type ConnectorRecord } from './connector';

/** A Graph object as delta returns it: properties, `@removed`, `members@delta`. */
export type GraphObject = Readonly<Record<string, unknown>> & { readonly id: string };

/** The five Graph properties the `address` field joins (Entra's SCIM mapping writes them to addresses[type eq "work"]). */
export const ADDRESS_PROPERTIES = ['streetAddress', 'city', 'state', 'postalCode', 'country'] as const;

/** The pseudo-property that stands for the five address properties. */
export const ADDRESS = 'address';

/**
 * Which Graph property fills each built-in field: Entra's default SCIM attribute mappings read
 * backwards (shared/entra/README.md). manager and photoUrl need other Graph calls (a navigation
 * property, the photo stream) and are not pulled; pronouns and linkedinUrl have no Graph property.
 */
export const DEFAULT_GRAPH_PROPERTIES: Readonly<Record<string, string>> = {
  displayName: 'displayName',
  givenName: 'givenName',
  familyName: 'surname',
  title: 'jobTitle',
  department: 'department',
  company: 'companyName',
  email: 'mail',
  workPhone: 'businessPhones',
  mobilePhone: 'mobilePhone',
  officeLocation: 'officeLocation',
  address: ADDRESS,
};

/** Properties every user read needs whatever the mapping. */
const REQUIRED_USER_PROPERTIES = ['id', 'userPrincipalName', 'accountEnabled'];

/** Field → Graph property for a connector. */
export function graphPropertiesOf(connector: Pick<ConnectorRecord, 'properties'>): Readonly<Record<string, string>> {
  return { ...DEFAULT_GRAPH_PROPERTIES, ...connector.properties };
}

/** Checks `--map field=property` pairs against the tenant's fields and Graph's properties. */
export function checkPropertyMap(map: Readonly<Record<string, string>>, settings: ProfileSettings): void {
  const scimMapping = mappingOf(settings);
  for (const [field, property] of Object.entries(map)) {
    if (scimMapping[field] === undefined) {
      throw new ConnectorError(
        `--map ${field}: the tenant has no profile field "${field}" with a SCIM attribute; add it first with "scim-admin mapping set".`,
      );
    }
    if (property !== ADDRESS && !isUserProperty(property)) {
      throw new ConnectorError(
        `--map ${field}=${property}: "${property}" is not a Graph user property or extension_<appId>_<name>.`,
      );
    }
  }
}

/** The Graph properties one user read must $select: the mapped ones, the filters' and the required ones. */
export function userSelect(
  connector: Pick<ConnectorRecord, 'properties' | 'filters'>,
  settings: ProfileSettings,
): string[] {
  const scimMapping = mappingOf(settings);
  const selected = new Set(REQUIRED_USER_PROPERTIES);
  for (const [field, property] of Object.entries(graphPropertiesOf(connector))) {
    if (scimMapping[field] === undefined) continue;
    if (property === ADDRESS) ADDRESS_PROPERTIES.forEach((part) => selected.add(part));
    else selected.add(property);
  }
  Object.keys(connector.filters.attributes).forEach((property) => selected.add(property));
  return [...selected];
}

/** `$select` of the groups delta: members comes as `members@delta` (Graph group: delta). */
export const GROUP_SELECT = ['id', 'displayName', 'members'];

/** One SCIM PATCH operation (RFC 7644 §3.5.2). */
export interface PatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return text(value.find((element) => element !== null && element !== '') ?? null);
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** The SCIM value of the `address` field: an address object when the path names an element, else a line. */
function addressValue(user: Readonly<Record<string, unknown>>, path: string): unknown {
  const parts = {
    streetAddress: text(user.streetAddress),
    locality: text(user.city),
    region: text(user.state),
    postalCode: text(user.postalCode),
    country: text(user.country),
  };
  const present = Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== null));
  if (Object.keys(present).length === 0) return null;
  if (/\]$/.test(path)) {
    const type = /type eq "([^"]+)"/.exec(path)?.[1] ?? 'work';
    return { type, ...present };
  }
  return Object.values(present).join(', ');
}

/**
 * The PATCH operations that make a SCIM user hold the Graph user `user` (its last known properties,
 * merged with what this page changed): `userName`, `externalId` (the Graph object id, so the user is
 * found again after a rename), `active`, and each mapped field. A null in Graph removes the SCIM
 * attribute: Graph carries cleared values, unlike SCIM push.
 */
export function userOperations(
  user: Readonly<Record<string, unknown>>,
  graphId: string,
  active: boolean,
  connector: Pick<ConnectorRecord, 'properties'>,
  settings: ProfileSettings,
): PatchOperation[] {
  const scimMapping = mappingOf(settings);
  const operations: PatchOperation[] = [
    { op: 'replace', path: 'userName', value: user.userPrincipalName },
    { op: 'replace', path: 'externalId', value: graphId },
    { op: 'replace', path: 'active', value: active },
  ];
  for (const [field, property] of Object.entries(graphPropertiesOf(connector))) {
    const path = scimMapping[field];
    if (path === undefined) continue;
    const value = property === ADDRESS ? addressValue(user, path) : text(user[property]);
    operations.push(value === null ? { op: 'remove', path } : { op: 'replace', path, value });
  }
  return operations;
}

/** The schemas a created user declares: core, enterprise when a mapped path is in it, and the tenant's extensions. */
export function userSchemas(settings: ProfileSettings): string[] {
  const urns = new Set(['urn:ietf:params:scim:schemas:core:2.0:User']);
  for (const path of Object.values(mappingOf(settings))) {
    const colon = path.lastIndexOf(':');
    if (path.startsWith('urn:') && colon > 0) urns.add(path.slice(0, colon));
  }
  urns.add(ENTERPRISE_PREFIX.slice(0, -1));
  return [...urns];
}

/** The SCIM PatchOp body for `operations`. */
export function patchBody(operations: readonly PatchOperation[]): { schemas: string[]; Operations: PatchOperation[] } {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [...operations] };
}
