import { ScimError } from '../../scim/errors';
import { isLiveToken, MAX_LIVE_TOKENS } from '../../tenancy/tenant';
import { issueToken, listTokens, revokeToken } from '../tenants/tenant-admin';
import { asConnectionCall, objectBody, recordAction } from './actions';
import { tenantOf, tenantUrlOfRequest, type ConnectionOperation } from './request';

/** Longest token label: enough for "Entra ID production (rotated 2026-12)", short enough for a table cell. */
export const MAX_LABEL_LENGTH = 200;
/** Longest token life the page and API offer. */
export const MAX_TOKEN_DAYS = 730;
// Control characters would make a label render differently in a terminal (`scim-admin token list`) than on the page.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `{"label": "…", "expiresInDays": 90}` → the token options, or a 400 naming the fault. */
function parseIssue(body: Record<string, unknown>): { label: string; expiresInDays?: number } {
  const { label, expiresInDays } = body;
  if (typeof label !== 'string' || label.trim() === '')
    throw ScimError.badRequest(
      'invalidValue',
      'label is required: a name for the token, such as "Entra ID production".',
    );
  if (label.length > MAX_LABEL_LENGTH)
    throw ScimError.badRequest(
      'invalidValue',
      `label is ${label.length} characters long; the limit is ${MAX_LABEL_LENGTH}.`,
    );
  if (CONTROL.test(label))
    throw ScimError.badRequest('invalidValue', 'label must not contain control characters (line breaks, tabs).');
  if (expiresInDays === undefined || expiresInDays === null) return { label: label.trim() };
  if (
    typeof expiresInDays !== 'number' ||
    !Number.isInteger(expiresInDays) ||
    expiresInDays < 1 ||
    expiresInDays > MAX_TOKEN_DAYS
  ) {
    throw ScimError.badRequest(
      'invalidValue',
      `expiresInDays must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}, or null for a token that does not expire.`,
    );
  }
  return { label: label.trim(), expiresInDays };
}

/** GET …/tokens: labels, creation, expiry, last use and state of every token (never a digest). */
export const listConnectionTokens: ConnectionOperation = async (request, deps) => ({
  status: 200,
  body: { tokens: await listTokens(deps, tenantOf(request).tenantId) },
});

/** POST …/tokens: a new Secret Token, its plaintext in this response only (DESIGN.md "Tenants and tokens"). */
export const issueConnectionToken: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  const { label, expiresInDays } = parseIssue(objectBody(request, '{"label": "…", "expiresInDays": 90 | null}'));
  if (tenant.status !== 'connected')
    throw new ScimError(409, 'The connection is disconnected: reconnect it, which issues a new token.');
  const live = tenant.tokens.filter((token) => isLiveToken(token, deps.clock.now()));
  if (live.length >= MAX_LIVE_TOKENS) {
    throw new ScimError(
      409,
      `There are already ${MAX_LIVE_TOKENS} live tokens (${live.map((token) => `"${token.label}"`).join(', ')}): revoke one first.`,
    );
  }
  const expiresAt =
    expiresInDays === undefined
      ? undefined
      : new Date(deps.clock.now().getTime() + expiresInDays * 86_400_000).toISOString();
  const issued = await asConnectionCall(409, () =>
    issueToken(deps, tenant.tenantId, { label, ...(expiresAt ? { expiresAt } : {}) }),
  );
  await recordAction(deps, request, {
    operation: 'issueToken',
    status: 201,
    resourceType: 'Token',
    resourceId: issued.record.id,
    detail: `Token "${label}" issued`,
  });
  return {
    status: 201,
    body: {
      token: issued.token,
      tokenId: issued.record.id,
      label: issued.record.label,
      createdAt: issued.record.createdAt,
      expiresAt: issued.record.expiresAt ?? null,
      tenantUrl: tenantUrlOfRequest(request),
    },
  };
};

/** DELETE …/tokens/{id}: revokes one token; Entra gets 401 with it within the cache TTL (30 s). */
export const revokeConnectionToken: ConnectionOperation = async (request, deps) => {
  const tenant = tenantOf(request);
  const tokenId = request.pathParameters.id ?? '';
  const target = tenant.tokens.find((token) => token.id === tokenId);
  if (!target) throw ScimError.notFound(`There is no token "${tokenId.slice(0, 64)}".`);
  if (!target.revokedAt) {
    await asConnectionCall(409, () => revokeToken(deps, tenant.tenantId, tokenId));
    await recordAction(deps, request, {
      operation: 'revokeToken',
      status: 200,
      resourceType: 'Token',
      resourceId: tokenId,
      detail: `Token "${target.label}" revoked`,
    });
  }
  return { status: 200, body: { tokens: await listTokens(deps, tenant.tenantId) } };
};
