import type { estypes } from '@elastic/elasticsearch';
import type { EventsQuery } from '../contract/events.js';
import type { StoreScope } from '../store/event-store.js';
import { scopeToTenant } from '../store/scope.js';
import { EXACT_REQUEST_COUNT } from '../timeline/session-queries.js';

type SearchRequest = estypes.SearchRequest;

type Query = estypes.QueryDslQueryContainer;

/**
 * Operators the free-text search accepts. Prefix, fuzzy, slop and near are left out: they are
 * the costly ones, and none of them reaches regular expressions or scripts either way.
 */
const FREE_TEXT_FLAGS = 'AND|OR|NOT|PHRASE|PRECEDENCE|ESCAPE|WHITESPACE';

const SORT_FIELDS: Record<string, string> = {
  '@timestamp': '@timestamp',
  duration: 'event.duration',
  status: 'http.response.status_code',
};

/** The caller's filters as one bool query; the tenant is added by `scopeToTenant`. */
export function eventsFilter(params: EventsQuery): Query {
  const filter: Query[] = [];
  if (params.from || params.to) {
    const range: estypes.QueryDslDateRangeQuery = {};
    if (params.from) range.gte = params.from;
    if (params.to) range.lt = params.to;
    filter.push({ range: { '@timestamp': range } });
  }
  if (params.clientId) filter.push({ term: { 'ariane.client_id': params.clientId } });
  if (params.service) filter.push({ term: { 'service.name': params.service } });
  if (params.status !== undefined)
    filter.push({ term: { 'http.response.status_code': params.status } });
  if (params.statusClass) {
    const base = Number(params.statusClass[0]) * 100;
    filter.push({ range: { 'http.response.status_code': { gte: base, lt: base + 100 } } });
  }
  if (params.method) filter.push({ term: { 'http.request.method': params.method } });
  if (params.path) filter.push({ prefix: { 'url.path': { value: params.path } } });
  if (params.minDurationMs !== undefined)
    filter.push({ range: { 'event.duration': { gte: Math.round(params.minDurationMs * 1e6) } } });
  if (params.userId) filter.push({ term: { 'user.id': params.userId } });
  const must: Query[] = params.q
    ? [
        {
          simple_query_string: {
            query: params.q,
            fields: ['message', 'error.message'],
            default_operator: 'and',
            flags: FREE_TEXT_FLAGS,
            lenient: true,
          },
        },
      ]
    : [];
  return { bool: { filter, must } };
}

/** Primary sort from `sort`, then `event.id` so pages never skip or repeat an event. */
export function eventsSort(sort: EventsQuery['sort']): estypes.SortCombinations[] {
  const descending = sort.startsWith('-');
  const field = SORT_FIELDS[descending ? sort.slice(1) : sort] ?? '@timestamp';
  return [
    { [field]: { order: descending ? 'desc' : 'asc', missing: '_last' } },
    { 'event.id': { order: 'asc' } },
  ];
}

/** One page by `$offset`/`$limit`. */
export function eventsPageQuery(context: StoreScope, params: EventsQuery): SearchRequest {
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    from: params.$offset,
    size: params.$limit,
    track_total_hits: true,
    query: scopeToTenant(context.tenant, eventsFilter(params)),
    sort: eventsSort(params.sort),
  };
}

/** One cursor page: the same query over a point in time, after the previous page's last sort. */
export function eventsCursorQuery(
  tenant: string,
  params: EventsQuery,
  pit: { id: string; keepAlive: string },
  searchAfter: readonly estypes.FieldValue[] | undefined,
): SearchRequest {
  const request: SearchRequest = {
    pit: { id: pit.id, keep_alive: pit.keepAlive },
    size: params.$limit,
    track_total_hits: true,
    query: scopeToTenant(tenant, eventsFilter(params)),
    sort: eventsSort(params.sort),
  };
  if (searchAfter) request.search_after = searchAfter.slice();
  return request;
}

/** Name of the aggregation counting the matching requests. */
export const REQUEST_COUNT = 'requests';

/**
 * One page of the requests whose events match the search: collapsing on `http.request.id`
 * returns each request once, represented by its first event in `sort` order, and `from`/`size`
 * page through requests. The total is a count of distinct request ids.
 */
export function requestsPageQuery(context: StoreScope, params: EventsQuery): SearchRequest {
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    from: params.$offset,
    size: params.$limit,
    track_total_hits: false,
    _source: ['http.request.id'],
    query: scopeToTenant(context.tenant, {
      bool: {
        filter: [eventsFilter(params), { exists: { field: 'http.request.id' } }],
      },
    }),
    collapse: { field: 'http.request.id' },
    sort: eventsSort(params.sort),
    aggs: {
      [REQUEST_COUNT]: {
        cardinality: { field: 'http.request.id', precision_threshold: EXACT_REQUEST_COUNT },
      },
    },
  };
}
