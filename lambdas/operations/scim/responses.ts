import { LIST_RESPONSE } from '../../scim/schema/urns';
import type { ScimObject } from '../../scim/resources/normalize';
import type { ScimResponse } from '../request';

/** A single-resource response with its ETag (RFC 7644 §3.14) and, on 201, its Location. */
export function resourceResponse(status: 200 | 201, resource: ScimObject): ScimResponse {
  const meta = resource.meta as { version: string; location: string };
  return {
    status,
    body: resource,
    headers: { ETag: meta.version, ...(status === 201 ? { Location: meta.location } : {}) },
  };
}

export interface ListPage {
  readonly resources: readonly ScimObject[];
  readonly totalResults: number;
  readonly startIndex: number;
  readonly nextCursor?: string;
}

/** An RFC 7644 §3.4.2 ListResponse; an empty result still has `Resources: []` (Entra's Test Connection). */
export function listResponse(page: ListPage): ScimResponse {
  return {
    status: 200,
    body: {
      schemas: [LIST_RESPONSE],
      totalResults: page.totalResults,
      startIndex: page.startIndex,
      itemsPerPage: page.resources.length,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      Resources: page.resources,
    },
  };
}

export function noContent(): ScimResponse {
  return { status: 204 };
}
