import type { estypes } from '@elastic/elasticsearch';
import type { SortValues, StoreScope } from '../store/event-store.js';
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

/**
 * Query 1: the Axway transactions and correlation ids carried by the request's own events.
 * Collapsing on `transaction.id` returns one hit per transaction, so thousands of events of a
 * single transaction still cost one small page; each hit's sort value gives its day.
 *
 * With `countElsewhere`, the same search also counts the request id's events in other tenants
 * (one pass over the terms instead of a second request). The tenant boundary then moves from
 * `query` to `post_filter`, which scopes every returned hit just the same, and all that is seen
 * of other tenants is the document count of the `elsewhere` aggregation.
 */
export function transactionsOfRequestQuery(
  context: StoreScope,
  requestIds: readonly string[],
  countElsewhere = false,
): SearchRequest {
  const lookup: estypes.QueryDslQueryContainer = { terms: { 'http.request.id': [...requestIds] } };
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    size: MAX_TRANSACTIONS_PER_REQUEST,
    track_total_hits: false,
    _source: ['transaction.id', 'ariane.correlation_ids', 'http.request.id'],
    ...(countElsewhere
      ? {
          query: lookup,
          post_filter: scopeToTenant(context.tenant, undefined),
          aggs: { [ELSEWHERE]: { filter: outsideTenant(context.tenant, { match_all: {} }) } },
        }
      : { query: scopeToTenant(context.tenant, lookup) }),
    collapse: { field: 'transaction.id' },
    sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }],
  };
}

/** Name of query 1's aggregation counting the request id's events in other tenants. */
export const ELSEWHERE = 'elsewhere';

/**
 * Query 2: every event of the request — its own, and those joined through the Axway
 * correlation ids (summary and policy-path lines carry no request id; some backends log only
 * X-CorrelationID). Paged with `search_after` on a unique tie-breaker, `event.id`.
 */
export function eventsOfRequestQuery(
  context: StoreScope,
  requestIds: readonly string[],
  correlationIds: readonly string[],
  pageSize: number,
  searchAfter?: SortValues,
): SearchRequest {
  const should: estypes.QueryDslQueryContainer[] = [
    { terms: { 'http.request.id': [...requestIds] } },
  ];
  if (correlationIds.length > 0) {
    should.push({ terms: { 'transaction.id': [...correlationIds] } });
    should.push({ terms: { 'ariane.correlation_ids': [...correlationIds] } });
  }
  const request: SearchRequest = {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    size: pageSize,
    track_total_hits: true,
    _source: { excludes: ['ariane.circuit_path'] },
    query: scopeToTenant(context.tenant, { bool: { should, minimum_should_match: 1 } }),
    sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }],
  };
  if (searchAfter) request.search_after = [...searchAfter];
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
