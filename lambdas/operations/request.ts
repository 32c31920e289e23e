import type { OperationName } from '../contracts/routes';
import type { TenantRecord } from '../tenancy/tenant';
import type { Dependencies } from './ports';

/** What every request an operation receives carries, SCIM or connection API: free of API Gateway's shapes. */
export interface OperationRequest {
  readonly operation: OperationName;
  /** The tenant in the path. */
  readonly tenantId: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  /** Query parameters, decoded; a repeated parameter keeps its last value. */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  readonly requestId: string;
  /** The tenant's record, loaded by the chain once the caller is authenticated; absent in some tests. */
  readonly tenant?: TenantRecord;
}

/** A SCIM request as operations see it: parsed and authenticated (its tenant's profile settings shape the User schema). */
export interface ScimRequest extends OperationRequest {
  /** The Tenant URL this request came through, e.g. `https://host/scim/v2/acme`. */
  readonly tenantUrl: string;
}

export interface ScimResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One use case: what a route's Lambda runs after the request chain has done its part. */
export type Operation = (request: ScimRequest, deps: Dependencies) => Promise<ScimResponse>;
