import type { estypes } from '@elastic/elasticsearch';
import type { StoreScope } from '../store/event-store.js';
import { scopeToTenant } from '../store/scope.js';

/** Above this many distinct requests, `cardinality` is approximate (Elasticsearch's maximum). */
export const EXACT_REQUEST_COUNT = 40_000;

const sessionQuery = (context: StoreScope, applicationId: string) =>
  scopeToTenant(context.tenant, {
    bool: {
      filter: [
        { term: { 'ariane.session_id': applicationId } },
        { exists: { field: 'http.request.id' } },
      ],
    },
  });

/**
 * One page of a session's requests in the order they started, plus the session's summary.
 *
 * Collapsing on `http.request.id` with an ascending `@timestamp` sort makes each request's
 * earliest event its representative and orders requests by it, so `from`/`size` page through
 * requests exactly (a `terms` aggregation ordered by a `min` sub-aggregation would be
 * approximate across daily indices, and `composite` pages in key order, not time order).
 * The aggregations see the whole session regardless of the page.
 */
export function sessionPageQuery(
  context: StoreScope,
  applicationId: string,
  page: { limit: number; offset: number },
): estypes.SearchRequest {
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    preference: context.tenant,
    from: page.offset,
    size: page.limit,
    track_total_hits: false,
    _source: ['http.request.id'],
    query: sessionQuery(context, applicationId),
    collapse: { field: 'http.request.id' },
    sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }],
    aggs: {
      requests: {
        cardinality: { field: 'http.request.id', precision_threshold: EXACT_REQUEST_COUNT },
      },
      first: { min: { field: '@timestamp' } },
      last: { max: { field: '@timestamp' } },
      services: { terms: { field: 'service.name', size: 200, order: { _key: 'asc' } } },
      failed: {
        filter: {
          bool: {
            should: [
              { term: { 'event.outcome': 'failure' } },
              { range: { 'http.response.status_code': { gte: 500 } } },
            ],
            minimum_should_match: 1,
          },
        },
        aggs: {
          requests: {
            cardinality: { field: 'http.request.id', precision_threshold: EXACT_REQUEST_COUNT },
          },
        },
      },
    },
  };
}

export function sessionExistsQuery(
  context: StoreScope,
  applicationId: string,
): estypes.CountRequest {
  return {
    index: context.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    terminate_after: 1,
    query: sessionQuery(context, applicationId),
  };
}
