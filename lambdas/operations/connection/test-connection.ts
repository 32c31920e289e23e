import type { TestConnectionResult } from '../../contracts/connection';
import { ScimError } from '../../scim/errors';
import { LIST_RESPONSE } from '../../scim/schema/urns';
import { objectBody, recordAction } from './actions';
import { tenantOf, tenantUrlOfRequest, type ConnectionOperation } from './request';

/** What a SCIM answer says, in one line: a ListResponse's count, or an error body's detail. */
export function summarise(status: number, body: string): { ok: boolean; summary: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, summary: `HTTP ${status} with a body that is not JSON (${body.length} bytes).` };
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const schemas = Array.isArray(record.schemas) ? record.schemas : [];
  if (status === 200 && schemas.includes(LIST_RESPONSE)) {
    return {
      ok: true,
      summary: `ListResponse with totalResults ${String(record.totalResults)}: the Tenant URL and the token work.`,
    };
  }
  const detail = typeof record.detail === 'string' ? record.detail.slice(0, 300) : `HTTP ${status}`;
  return { ok: false, summary: status === 401 ? `401: the token was refused (${detail})` : `${status}: ${detail}` };
}

/**
 * POST …/test `{"token": "scimsk_…"}`: the service calls its own Tenant URL the way Entra's Test
 * Connection does — `GET /Users?filter=userName eq "<random guid>"` with the Secret Token — and
 * reports the answer. The token is the one pasted into Entra; it is sent only to this tenant's own
 * Tenant URL and is never logged or kept.
 */
export const testConnection: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  const { token } = objectBody(request, '{"token": "<the Secret Token pasted into Entra>"}');
  if (typeof token !== 'string' || token.trim() === '')
    throw ScimError.badRequest(
      'invalidValue',
      'token is required: the Secret Token you pasted into Entra (the same one Entra tests with).',
    );
  if (token.length > 256) throw ScimError.badRequest('invalidValue', 'token is longer than any Secret Token.');
  const filter = `userName eq "${deps.ids.newId()}"`;
  const url = `${tenantUrlOfRequest(request)}/Users?filter=${encodeURIComponent(filter)}`;
  const answer = await deps.probe
    .get(url, token.trim())
    .catch((error: unknown) => ({ status: 0, body: '', error: (error as Error).message }));
  const { ok, summary } =
    answer.status === 0
      ? { ok: false, summary: `The Tenant URL did not answer: ${'error' in answer ? answer.error : 'no response'}.` }
      : summarise(answer.status, answer.body);
  const result: TestConnectionResult = { ok, request: `GET /Users?filter=${filter}`, status: answer.status, summary };
  await recordAction(deps, request, {
    operation: 'testConnection',
    status: answer.status,
    resourceType: 'Tenant',
    resourceId: tenant.tenantId,
    detail: summary,
  });
  return { status: 200, body: result };
};
