import type { OperationName } from '../contracts/routes';
import type { TenantRecord } from '../tenancy/tenant';
import type { Dependencies } from './ports';

/** A SCIM request as operations see it: parsed, authenticated, free of API Gateway's shapes. */
export interface ScimRequest {
  readonly operation: OperationName;
  readonly tenantId: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  /** Query parameters, decoded; a repeated parameter keeps its last value. */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  readonly requestId: string;
  /** The Tenant URL this request came through, e.g. `https://host/scim/v2/acme`. */
  readonly tenantUrl: string;
  /** The authenticated tenant's record (its profile settings shape the User schema); absent in some tests. */
  readonly tenant?: TenantRecord;
}

export interface ScimResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One use case: what a route's Lambda runs after the request chain has done its part. */
export type Operation = (request: ScimRequest, deps: Dependencies) => Promise<ScimResponse>;
