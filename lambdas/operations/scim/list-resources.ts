import { checkFilter, evaluateFilter, parseFilter, planLookup, type Filter, type LookupPlan } from '../../scim/filter';
import { ScimError } from '../../scim/errors';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, parsePaging } from '../../scim/list';
import type { ScimObject } from '../../scim/resources/normalize';
import { projectResource } from '../../scim/resources/projection';
import type { ResourceTypeDefinition } from '../../scim/schema/attributes';
import type { PageStart, ResourcePage, StoredResource } from '../ports';
import type { ScimRequest, ScimResponse } from '../request';
import { listResponse } from './responses';

/**
 * Most resources a filter without an indexed equality is evaluated over. Past it the answer is a
 * 400 `tooMany` instead of a slow read of the whole tenant (docs/data-model.md "Filters").
 */
export const MAX_FILTER_CANDIDATES = 10_000;

/** How one resource type is read for a list request. */
export interface ListSource {
  readonly resourceType: ResourceTypeDefinition;
  /** Ids found by an indexed key, or undefined when this type has no index for the plan's key. */
  lookup(plan: LookupPlan): Promise<string[] | undefined>;
  getByIds(ids: readonly string[]): Promise<StoredResource[]>;
  page(start: PageStart, limit: number): Promise<ResourcePage>;
  count(): Promise<number>;
  /** The SCIM representation before projection, with derived attributes (members) the request or `filter` needs. */
  render(resources: readonly StoredResource[], forFilter: Filter | undefined): Promise<ScimObject[]>;
}

function byId(a: StoredResource, b: StoredResource): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Resources matching a filter: by key lookup when the filter has one, else over a bounded walk. */
async function candidates(source: ListSource, filter: Filter): Promise<StoredResource[]> {
  const plan = planLookup(filter, source.resourceType.name);
  // DynamoDB refuses an empty string as a key; no resource has an empty id, userName, externalId or displayName.
  if (plan && plan.value.trim() === '') {
    throw ScimError.badRequest(
      'invalidFilter',
      `filter compares ${plan.key} with an empty or blank string, which no resource has; send the ${plan.key} to look for.`,
    );
  }
  if (plan) {
    const ids = plan.key === 'id' ? [plan.value] : await source.lookup(plan);
    if (ids) return source.getByIds(ids);
  }
  const found: StoredResource[] = [];
  let afterId: string | undefined;
  do {
    const page = await source.page(afterId === undefined ? {} : { afterId }, MAX_PAGE_SIZE);
    found.push(...page.items);
    afterId = page.lastId;
    if (afterId !== undefined && found.length >= MAX_FILTER_CANDIDATES) {
      throw ScimError.badRequest(
        'tooMany',
        `This filter has no indexed equality (userName, externalId, id, emails[type eq "work"].value, group displayName) and the tenant has more than ${MAX_FILTER_CANDIDATES} ${source.resourceType.name.toLowerCase()}s to evaluate it over; add one of those equalities with "and".`,
      );
    }
  } while (afterId !== undefined);
  return found;
}

/**
 * GET /Users and GET /Groups: filter (RFC 7644 §3.4.2.2), index paging (§3.4.2.4) or cursor paging
 * (RFC 9865), attributes/excludedAttributes (§3.9). Without a filter a page costs one Query plus
 * the tenant's count; with an indexed equality it costs one or two key reads, whatever the tenant's size.
 */
export async function listResources(request: ScimRequest, source: ListSource): Promise<ScimResponse> {
  const paging = parsePaging(request.query);
  const text = request.query.filter;
  const project = (resource: ScimObject) => projectResource(resource, source.resourceType, request.query);

  if (text !== undefined && text.trim() !== '') {
    const filter = parseFilter(text);
    checkFilter(filter, source.resourceType);
    const stored = (await candidates(source, filter)).sort(byId);
    const rendered = await source.render(stored, filter);
    const matches = rendered.filter((resource) => evaluateFilter(filter, resource, source.resourceType));
    const offset = paging.kind === 'index' ? paging.startIndex - 1 : offsetOf(paging.cursor);
    const slice = matches.slice(offset, offset + paging.count);
    const next = offset + slice.length;
    return listResponse({
      resources: slice.map(project),
      totalResults: matches.length,
      startIndex: paging.kind === 'index' ? paging.startIndex : 1,
      ...(paging.kind === 'cursor' && next < matches.length ? { nextCursor: encodeCursor({ offset: next }) } : {}),
    });
  }

  const start: PageStart =
    paging.kind === 'index' ? { startIndex: paging.startIndex } : { afterId: afterIdOf(paging.cursor) };
  const [page, totalResults] = await Promise.all([source.page(start, paging.count), source.count()]);
  const resources = (await source.render(page.items, undefined)).map(project);
  return listResponse({
    resources,
    totalResults,
    startIndex: paging.kind === 'index' ? paging.startIndex : 1,
    ...(paging.kind === 'cursor' && page.lastId !== undefined
      ? { nextCursor: encodeCursor({ afterId: page.lastId }) }
      : {}),
  });
}

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const { offset } = decodeCursor(cursor);
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
    throw ScimError.badRequest('invalidCursor', 'cursor is not one this filter issued: start again without one.');
  return offset;
}

function afterIdOf(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const { afterId } = decodeCursor(cursor);
  if (typeof afterId !== 'string' || afterId === '')
    throw ScimError.badRequest('invalidCursor', 'cursor is not one this listing issued: start again without one.');
  return afterId;
}
