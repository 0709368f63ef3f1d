import type { estypes } from '@elastic/elasticsearch';
import type { RequestJoin, RouteKey, SortValues, StoreScope } from '../store/event-store.js';
import { outsideTenant, scopeToTenant } from '../store/scope.js';

type SearchRequest = estypes.SearchRequest;
type CountRequest = estypes.CountRequest;

/**
 * Pure builders of the Elasticsearch requests behind a request timeline. Their output is
 * snapshot-tested (test/fixtures/query-api/snapshots/).
 *
 * Every lookup reads `<prefix>-events-*`: the whole retention window, never a lookback.
 * Each day's index has one shard, so a term lookup costs one cheap query per day.
 */

/** Upper bound on the transactions one request id may span (client retries reuse the id). */
export const MAX_TRANSACTIONS_PER_REQUEST = 1_000;

/** Upper bound on the W3C trace ids one request id's events may carry. */
export const MAX_TRACES_PER_REQUEST = 100;

/** Fields query 1 reads: the join keys, and the route of leg 0 for the route's baseline. */
const LOCATION_FIELDS = [
  'transaction.id',
  'ariane.correlation_ids',
  'http.request.id',
  'http.request.method',
  'url.path',
  'event.dataset',
  'ariane.leg',
  'ariane.api_name',
  'ariane.api_operation',
];

/**
 * Query 1: the Axway transactions and correlation ids carried by the request's own events, and
 * the W3C trace ids they carry (`traces`, an aggregation: trace ids may sit on any event, not
 * only on the one a transaction collapses to). Collapsing on `transaction.id` returns one hit
 * per transaction, so thousands of events of a single transaction still cost one small page;
 * each hit's sort value gives its day, and leg 0's hit gives the route.
 *
 * With `countElsewhere`, the same search also counts the request id's events in other tenants
 * (one pass over the terms instead of a second request). The tenant boundary then moves from
 * `query` to `post_filter`, which scopes every returned hit just the same, and all that is seen
 * of other tenants is the document count of the `elsewhere` aggregation. The `traces` list then
 * also holds the trace ids of the request id's events in other tenants: they serve only as join
 * keys of query 2, which is tenant-scoped, and are never returned (a tenant filter around the
 * list cost 1 ms of the timeline's p50, BENCHMARKS.md).
 */
export function transactionsOfRequestQuery(
  context: StoreScope,
  requestIds: readonly string[],
  countElsewhere = false,
): SearchRequest {
  const lookup: estypes.QueryDslQueryContainer = { terms: { 'http.request.id': [...requestIds] } };
  // A request's few events: a map beats building global ordinals of every trace id.
  const traces = {
    terms: { field: 'trace.id', size: MAX_TRACES_PER_REQUEST, execution_hint: 'map' as const },
  };
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    size: MAX_TRANSACTIONS_PER_REQUEST,
    track_total_hits: false,
    _source: LOCATION_FIELDS,
    ...(countElsewhere
      ? {
          query: lookup,
          post_filter: scopeToTenant(context.tenant, undefined),
          aggs: {
            [ELSEWHERE]: { filter: outsideTenant(context.tenant, { match_all: {} }) },
            [TRACES]: traces,
          },
        }
      : { query: scopeToTenant(context.tenant, lookup), aggs: { [TRACES]: traces } }),
    collapse: { field: 'transaction.id' },
    sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }],
  };
}

/** Name of query 1's aggregation counting the request id's events in other tenants. */
export const ELSEWHERE = 'elsewhere';
/** Name of query 1's aggregation listing the trace ids of the request id's events. */
export const TRACES = 'traces';

/**
 * Query 2: every event of the request — its own, those joined through the Axway correlation
 * ids (summary and policy-path lines carry no request id; some backends log only
 * X-CorrelationID), and those sharing its W3C trace ids (services that log trace context but
 * no X-Request-Id). Paged with `search_after` on a unique tie-breaker, `event.id`.
 *
 * Policy paths can be long: they are read only with `withPolicyPath` (one request, where the
 * failed filter says what rejected it), not for the many requests of a session page.
 */
export function eventsOfRequestQuery(
  context: StoreScope,
  join: RequestJoin,
  page: { size: number; after?: SortValues | undefined; withPolicyPath?: boolean },
): SearchRequest {
  const should: estypes.QueryDslQueryContainer[] = [
    { terms: { 'http.request.id': [...join.requestIds] } },
  ];
  if (join.correlationIds.length > 0) {
    should.push({ terms: { 'transaction.id': [...join.correlationIds] } });
    should.push({ terms: { 'ariane.correlation_ids': [...join.correlationIds] } });
  }
  if (join.traceIds.length > 0) should.push({ terms: { 'trace.id': [...join.traceIds] } });
  const request: SearchRequest = {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    size: page.size,
    track_total_hits: true,
    ...(page.withPolicyPath === true ? {} : { _source: { excludes: ['ariane.circuit_path'] } }),
    query: scopeToTenant(context.tenant, { bool: { should, minimum_should_match: 1 } }),
    sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }],
  };
  if (page.after) request.search_after = [...page.after];
  return request;
}

/** Existence of a request id in the tenant, for HEAD: stops at the first match. */
export function requestExistsQuery(context: StoreScope, requestId: string): CountRequest {
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    terminate_after: 1,
    query: scopeToTenant(context.tenant, { term: { 'http.request.id': requestId } }),
  };
}

/** Hours of history the route baseline reads. */
export const BASELINE_WINDOW_HOURS = 24;

/**
 * The route's usual duration: p50 and p95 of leg 0 (or a generic gateway access line) over the
 * last 24 h, for the same API operation when the gateway names it, else the same path, and the
 * same method. One aggregation, no hits; `from` is rounded to the minute so that repeated
 * lookups hit Elasticsearch's request cache.
 */
export function routeBaselineQuery(
  context: StoreScope,
  route: RouteKey,
  nowMs: number,
): SearchRequest {
  const fromMs = Math.floor(nowMs / 60_000) * 60_000 - BASELINE_WINDOW_HOURS * 3_600_000;
  const filter: estypes.QueryDslQueryContainer[] = [
    { range: { '@timestamp': { gte: new Date(fromMs).toISOString() } } },
    {
      bool: {
        should: [{ term: { 'ariane.leg': 0 } }, { term: { 'event.dataset': 'gateway.access' } }],
        minimum_should_match: 1,
      },
    },
  ];
  if (route.method !== null) filter.push({ term: { 'http.request.method': route.method } });
  if (route.api !== null && route.operation !== null)
    filter.push(
      { term: { 'ariane.api_name': route.api } },
      { term: { 'ariane.api_operation': route.operation } },
    );
  else if (route.path !== null) filter.push({ term: { 'url.path': route.path } });
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    request_cache: true,
    size: 0,
    track_total_hits: false,
    query: scopeToTenant(context.tenant, { bool: { filter } }),
    aggs: {
      [DURATION]: { percentiles: { field: 'event.duration', percents: [50, 95] } },
      [SAMPLES]: { value_count: { field: 'event.duration' } },
    },
  };
}

/** Names of the baseline's aggregations. */
export const DURATION = 'duration';
export const SAMPLES = 'samples';
