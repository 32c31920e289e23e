/**
 * The JSON shapes of the connection API and the page's API (docs/portal.md), written once: the
 * operations return them and the page (portal/src) reads them. Types only, no logic.
 */

export type ConnectionStatus = 'connected' | 'disconnected';
export type FieldOwner = 'directory' | 'user';

/** A token as listed: never its digest or plaintext. */
export interface TokenView {
  readonly id: string;
  readonly label: string;
  readonly keyVersion: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
  readonly live: boolean;
}

export interface ConnectionView {
  readonly tenantId: string;
  readonly displayName: string;
  readonly status: ConnectionStatus;
  readonly createdAt: string;
  readonly tenantUrl: string;
  readonly users: number;
  readonly groups: number;
  readonly tokens: readonly TokenView[];
  /** The newest token use or provisioning-log entry of a SCIM request; null when the tenant has seen no request. */
  readonly lastRequestAt: string | null;
  /** Failed SCIM requests (status ≥ 400) in the last 24 hours, counted up to a cap (`failuresCapped`). */
  readonly failuresLast24h: number;
  readonly failuresCapped: boolean;
}

/** A newly issued token: the plaintext is in this response only. */
export interface IssuedTokenView {
  readonly token: string;
  readonly tokenId: string;
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly tenantUrl: string;
}

/** One line of a tenant's provisioning log as the connection API and page show it. */
export interface LogEntryView {
  readonly at: string;
  readonly requestId: string;
  /** The route's operation (`patchUser`) or, for committed changes, the event's detail type. */
  readonly operation: string;
  readonly status: number;
  readonly resourceType?: string;
  readonly resourceId?: string;
  /** userName or displayName, when known. */
  readonly name?: string;
  readonly scimType?: string;
  readonly detail?: string;
  /** Attributes a committed change touched. */
  readonly changed?: readonly string[];
  /** Who acted, for admin actions: `portal` (the connection page), `api` (the connection API, IAM). */
  readonly actor?: string;
}

export interface LogPage {
  readonly entries: readonly LogEntryView[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  readonly nextCursor?: string;
}

export interface FieldSetting {
  readonly name: string;
  readonly owner: FieldOwner;
  /** True when the field follows the default owner (no per-field override). */
  readonly ownerIsDefault: boolean;
  /** The SCIM attribute path the field is read from; null when only the user enters it. */
  readonly mapping: string | null;
  readonly builtIn: boolean;
}

export interface SettingsView {
  readonly policy: { readonly default: FieldOwner; readonly fields: Readonly<Record<string, FieldOwner>> };
  readonly fields: readonly FieldSetting[];
  /** After a change: how many users' effective profiles changed (each with a User Updated event). */
  readonly usersUpdated?: number;
}

export interface TestConnectionResult {
  readonly ok: boolean;
  /** The request, as Entra's Test Connection sends it. */
  readonly request: string;
  /** The Tenant URL's HTTP status; 0 when it did not answer. */
  readonly status: number;
  readonly summary: string;
}

export interface PortalSessionView {
  readonly tenantId: string;
  readonly displayName: string;
  readonly expiresAt: string;
  readonly csrfToken: string;
}

/** Every error of these routes. */
export interface ConnectionErrorBody {
  readonly status: number;
  /** A SCIM-style error kind where one applies (`invalidValue`, `invalidCursor`…). */
  readonly error?: string;
  readonly detail: string;
}
