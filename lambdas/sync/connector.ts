/**
 * A tenant's Microsoft Graph connector (docs/graph-sync.md): where its Entra directory is, how the
 * service signs in (client credentials; the secret itself lives behind ConnectorSecrets, never here),
 * when it runs, and which users are in scope. Pure.
 */
import { CronExpressionParser } from 'cron-parser';

export type NationalCloud = 'global' | 'usgov' | 'china';

/**
 * Authority and Graph roots of the national clouds (Microsoft Graph "National cloud deployments":
 * learn.microsoft.com/graph/deployments). `custom` is an explicit --graph-url/--login-url pair.
 */
export const NATIONAL_CLOUDS: Readonly<
  Record<NationalCloud, { readonly graphUrl: string; readonly loginUrl: string }>
> = {
  global: { graphUrl: 'https://graph.microsoft.com', loginUrl: 'https://login.microsoftonline.com' },
  usgov: { graphUrl: 'https://graph.microsoft.us', loginUrl: 'https://login.microsoftonline.us' },
  china: { graphUrl: 'https://microsoftgraph.chinacloudapi.cn', loginUrl: 'https://login.chinacloudapi.cn' },
};

/** Which users the sync keeps active: all conditions must hold (Graph delta cannot filter on them). */
export interface ScopeFilters {
  /** Graph user property → allowed values (compared case-insensitively, as Entra's scoping filters do). */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** When set, only users whose accountEnabled equals it. */
  readonly accountEnabled?: boolean;
  /** displayNames of groups; a user must be a direct member of at least one. Empty: no group condition. */
  readonly groups: readonly string[];
}

export interface ConnectorRecord {
  readonly tenantId: string;
  /** The customer's Entra tenant: a GUID or a verified domain such as contoso.onmicrosoft.com. */
  readonly entraTenantId: string;
  /** The application (client) id of the customer's app registration. */
  readonly clientId: string;
  readonly cloud: NationalCloud | 'custom';
  /** Graph's root, e.g. https://graph.microsoft.com (the service appends /v1.0/…). */
  readonly graphUrl: string;
  /** The authority's root, e.g. https://login.microsoftonline.com (the service appends /<tenant>/oauth2/v2.0/token). */
  readonly loginUrl: string;
  /** Five-field cron evaluated in `timeZone`; absent: runs only on demand. */
  readonly schedule?: string;
  /** IANA time zone of the schedule. */
  readonly timeZone: string;
  readonly filters: ScopeFilters;
  /** Profile field → Graph user property, overriding DEFAULT_GRAPH_PROPERTIES (custom fields, extension_<appId>_<name>). */
  readonly properties: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the stored client secret was last set (the value itself is never in the table). */
  readonly secretSetAt: string;
  /** The delta links of the last completed run, and when it obtained them. */
  readonly delta?: { readonly users?: string; readonly groups?: string; readonly at?: string };
  /** Graph ids of the filters' named groups → displayName, as the last run resolved them. */
  readonly scopeGroups?: Readonly<Record<string, string>>;
  /** When the schedule last started a run (the dispatcher starts each occurrence once). */
  readonly lastScheduledAt?: string;
  readonly version: number;
}

/** A bad connector setting: the CLI shows `message` and changes nothing. */
export class ConnectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** Directory extension properties as Graph names them: extension_<appId without hyphens>_<name>. */
export const EXTENSION_PROPERTY = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]{1,100}$/;

/**
 * Graph user properties a filter or a mapping may name: the users/delta properties that carry
 * directory text (Graph v1.0 user resource) plus directory extensions.
 */
export const USER_PROPERTIES = [
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'mail',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'usageLocation',
  'employeeId',
  'employeeType',
  'userType',
  'preferredLanguage',
  'faxNumber',
  'mailNickname',
  'onPremisesSamAccountName',
] as const;

export function isUserProperty(name: string): boolean {
  return (USER_PROPERTIES as readonly string[]).includes(name) || EXTENSION_PROPERTY.test(name);
}

/** The client secret as the CLI accepts it: Entra's secrets are about 40 characters; 1,024 is generous. */
export function checkClientSecret(secret: string): void {
  if (secret.trim() === '' || secret.length > 1024 || /[\r\n]/.test(secret)) {
    throw new ConnectorError(
      '--client-secret must be the secret value of the app registration (one line, at most 1024 characters).',
    );
  }
}

export function checkEntraTenantId(id: string): void {
  if (!GUID.test(id) && !DOMAIN.test(id)) {
    throw new ConnectorError(
      `--entra-tenant "${id}" is neither a tenant id (GUID) nor a domain such as contoso.onmicrosoft.com.`,
    );
  }
}

export function checkClientId(id: string): void {
  if (!GUID.test(id))
    throw new ConnectorError(
      `--client-id "${id}" is not an application (client) id: a GUID such as 00000000-0000-0000-0000-000000000000.`,
    );
}

/** A service root: absolute, no query or fragment; https unless it is this machine (local mode, tests). */
export function checkServiceRoot(option: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectorError(`${option} "${text}" is not a URL such as https://graph.microsoft.com.`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw new ConnectorError(`${option} must be a root URL without query, fragment or credentials.`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConnectorError(`${option} must use https (plain http only for 127.0.0.1 or localhost).`);
  }
  return url.toString().replace(/\/+$/, '');
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Throws unless `zone` is an IANA time zone the runtime knows. */
export function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new ConnectorError(`--time-zone "${zone}" is not an IANA time zone such as Europe/Paris.`);
  }
}

/** Throws unless `cron` is a five-field cron expression (minute hour day-of-month month day-of-week). */
export function checkSchedule(cron: string, timeZone: string): void {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new ConnectorError(
      `--schedule "${cron}" must have five fields (minute hour day month weekday), e.g. "0 6 * * *".`,
    );
  try {
    CronExpressionParser.parse(cron, { tz: timeZone, strict: false });
  } catch (error) {
    throw new ConnectorError(`--schedule "${cron}" does not parse: ${(error as Error).message}.`);
  }
}

/**
 * The latest occurrence of the schedule at or before `now` that has not started a run yet, or
 * undefined. A dispatcher that missed ticks starts one run, not one per missed occurrence.
 */
export function dueOccurrence(
  connector: Pick<ConnectorRecord, 'schedule' | 'timeZone' | 'lastScheduledAt' | 'createdAt'>,
  now: Date,
): string | undefined {
  if (!connector.schedule) return undefined;
  const expression = CronExpressionParser.parse(connector.schedule, {
    tz: connector.timeZone,
    currentDate: new Date(now.getTime() + 1),
  });
  const previous = expression.prev().toDate();
  const since = Date.parse(connector.lastScheduledAt ?? connector.createdAt);
  return previous.getTime() > since ? previous.toISOString() : undefined;
}

/**
 * Parses repeated `--filter <attr>=<v1>,<v2>` options. `accountEnabled` takes true or false; other
 * attributes must be Graph user properties (a typo would otherwise put every user out of scope).
 */
export function parseFilters(options: readonly string[], groups: readonly string[]): ScopeFilters {
  const attributes: Record<string, string[]> = {};
  let accountEnabled: boolean | undefined;
  for (const option of options) {
    const equals = option.indexOf('=');
    if (equals <= 0) throw new ConnectorError(`--filter "${option}" is not <attribute>=<value>[,<value>…].`);
    const attribute = option.slice(0, equals).trim();
    const values = option
      .slice(equals + 1)
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (values.length === 0) throw new ConnectorError(`--filter ${attribute}= names no value.`);
    if (attribute === 'accountEnabled') {
      if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false'))
        throw new ConnectorError('--filter accountEnabled= takes true or false.');
      accountEnabled = values[0] === 'true';
      continue;
    }
    if (!isUserProperty(attribute)) {
      throw new ConnectorError(
        `--filter on unknown attribute "${attribute}": use accountEnabled, a Graph user property (${USER_PROPERTIES.join(', ')}) or extension_<appId>_<name>.`,
      );
    }
    attributes[attribute] = [...(attributes[attribute] ?? []), ...values];
  }
  const named = groups.map((group) => group.trim());
  if (named.some((group) => group === '' || group.length > 256))
    throw new ConnectorError('--group takes the displayName of a group (1 to 256 characters).');
  return { attributes, ...(accountEnabled !== undefined ? { accountEnabled } : {}), groups: [...new Set(named)] };
}
