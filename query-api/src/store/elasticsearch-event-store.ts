import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { ArianeError } from '../../../core/src/errors.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { SessionSummary } from '../contract/session-timeline.js';
import {
  eventsCursorQuery,
  eventsPageQuery,
  REQUEST_COUNT,
  requestsPageQuery,
} from '../search/queries.js';
import { deadLettersPageQuery } from '../search/dead-letter-queries.js';
import {
  BASELINE_WINDOW_HOURS,
  DURATION,
  ELSEWHERE,
  eventsOfRequestQuery,
  requestExistsQuery,
  routeBaselineQuery,
  SAMPLES,
  TRACES,
  transactionsOfRequestQuery,
} from '../timeline/request-queries.js';
import { sessionExistsQuery, sessionPageQuery } from '../timeline/session-queries.js';
import type { EventPage, EventStore, RouteKey, SortValues, StoredEvent } from './event-store.js';

type SearchResponse = estypes.SearchResponse<Record<string, unknown>>;

/**
 * The event store over Elasticsearch: each method sends the pure builders' request unchanged and
 * reads the answer into the store's own types. The only file of the query API that sees
 * Elasticsearch responses.
 */
export function createElasticsearchEventStore(client: Client, timeoutMs: number): EventStore {
  const options = { requestTimeout: timeoutMs, maxRetries: 0 };
  const search = (request: estypes.SearchRequest) =>
    client.search<Record<string, unknown>>(request, options).catch(rethrowAsStoreError);
  const exists = (request: estypes.CountRequest) =>
    client
      .count(request, options)
      .then((response) => response.count > 0)
      .catch(rethrowAsStoreError);
  return {
    async locateRequests(scope, requestIds, { countElsewhere }) {
      const response = await search(transactionsOfRequestQuery(scope, requestIds, countElsewhere));
      const elsewhere = (response.aggregations?.[ELSEWHERE] as { doc_count?: number } | undefined)
        ?.doc_count;
      const traces = response.aggregations?.[TRACES] as
        { buckets?: { key: string | number }[] } | undefined;
      const correlationIds = new Set<string>();
      const routes = new Map<string, RouteKey>();
      let firstMs: number | undefined;
      let lastMs: number | undefined;
      for (const hit of response.hits.hits) {
        const source = hit._source as Partial<TraceEvent> | undefined;
        if (source?.transaction?.id) correlationIds.add(source.transaction.id);
        for (const id of source?.ariane?.correlation_ids ?? []) correlationIds.add(id);
        const route = source && routeOf(source);
        const requestId = source?.http?.request?.id;
        if (route && requestId !== undefined && !routes.has(requestId))
          routes.set(requestId, route);
        const at = Number(hit.sort?.[0]);
        if (!Number.isFinite(at)) continue;
        firstMs = Math.min(firstMs ?? at, at);
        lastMs = Math.max(lastMs ?? at, at);
      }
      return {
        found: response.hits.hits.length > 0,
        correlationIds: [...correlationIds],
        traceIds: (traces?.buckets ?? []).map((bucket) => String(bucket.key)),
        routes,
        firstMs,
        lastMs,
        elsewhere: elsewhere ?? 0,
      };
    },
    async requestEvents(scope, join, page) {
      return pageOf<TraceEvent>(await search(eventsOfRequestQuery(scope, join, page)));
    },
    async routeBaseline(scope, route, nowMs) {
      const response = await search(routeBaselineQuery(scope, route, nowMs));
      const aggs = response.aggregations as
        | {
            [DURATION]?: { values?: Record<string, number | null> };
            [SAMPLES]?: { value?: number };
          }
        | undefined;
      const samples = aggs?.[SAMPLES]?.value ?? 0;
      const p50 = aggs?.[DURATION]?.values?.['50.0'];
      const p95 = aggs?.[DURATION]?.values?.['95.0'];
      if (samples === 0 || typeof p50 !== 'number' || typeof p95 !== 'number') return null;
      // event.duration is in nanoseconds (ECS).
      return {
        ...route,
        p50Ms: Math.round(p50 / 1e4) / 100,
        p95Ms: Math.round(p95 / 1e4) / 100,
        samples,
        windowHours: BASELINE_WINDOW_HOURS,
      };
    },
    async searchRequests(scope, params) {
      const response = await search(requestsPageQuery(scope, params));
      const count = response.aggregations?.[REQUEST_COUNT] as { value?: number } | undefined;
      return {
        requestIds: response.hits.hits.flatMap((hit) => {
          const id = (hit._source as Partial<TraceEvent> | undefined)?.http?.request?.id;
          return id === undefined ? [] : [id];
        }),
        total: count?.value ?? 0,
      };
    },
    requestExists: (scope, requestId) => exists(requestExistsQuery(scope, requestId)),
    async sessionRequests(scope, applicationId, page) {
      const response = await search(sessionPageQuery(scope, applicationId, page));
      const requestIds = response.hits.hits.flatMap((hit) => {
        const id = (hit._source as Partial<TraceEvent> | undefined)?.http?.request?.id;
        return id === undefined ? [] : [id];
      });
      return { requestIds, summary: sessionSummaryOf(response.aggregations) };
    },
    sessionExists: (scope, applicationId) => exists(sessionExistsQuery(scope, applicationId)),
    searchEvents: async (scope, params) =>
      pageOf<StoredEvent>(await search(eventsPageQuery(scope, params))),
    async searchEventsAfter(tenant, params, pit, after) {
      const response = await search(eventsCursorQuery(tenant, params, pit, after));
      return { ...pageOf<StoredEvent>(response), pit: response.pit_id ?? pit.id };
    },
    async searchDeadLetters(index, scope, params) {
      const { hits } = await search(deadLettersPageQuery(index, scope, params));
      const total = hits.total;
      return {
        total:
          total === undefined ? hits.hits.length : typeof total === 'number' ? total : total.value,
        deadLetters: hits.hits.map((hit) => ({ id: hit._id ?? '', stored: hit._source })),
      };
    },
    openPointInTime: (index, keepAlive) =>
      client
        .openPointInTime(
          {
            index,
            keep_alive: keepAlive,
            ignore_unavailable: true,
            allow_partial_search_results: false,
          },
          options,
        )
        .then((response) => response.id)
        .catch(rethrowAsStoreError),
    closePointInTime: (id) =>
      client.closePointInTime({ id }, options).then(
        () => undefined,
        () => undefined,
      ),
    // The root endpoint `ping` uses is missing from some distributions (the local integ-test
    // zip answers 405), so readiness asks for cluster health instead.
    ping: () =>
      client.cluster.health({}, { requestTimeout: Math.min(timeoutMs, 2_000), maxRetries: 0 }).then(
        (health) => health.status !== 'red',
        () => false,
      ),
    close: () => client.close(),
  };
}

/** The route of a gateway's leg 0 or access line; other events say nothing of the route. */
function routeOf(source: Partial<TraceEvent>): RouteKey | undefined {
  const entry = source.ariane?.leg === 0 || source.event?.dataset === 'gateway.access';
  if (!entry) return undefined;
  return {
    api: source.ariane?.api_name ?? null,
    operation: source.ariane?.api_operation ?? null,
    method: source.http?.request?.method ?? null,
    path: source.url?.path ?? null,
  };
}

function pageOf<E>(response: SearchResponse): EventPage<E> {
  const hits = response.hits.hits;
  const total = response.hits.total;
  return {
    events: hits.map((hit) => (hit._source ?? {}) as E),
    total: total === undefined ? hits.length : typeof total === 'number' ? total : total.value,
    after: hits.at(-1)?.sort as SortValues | undefined,
  };
}

interface SessionAggregations {
  requests?: { value?: number | null };
  first?: { value?: number | null };
  last?: { value?: number | null };
  services?: { buckets?: { key: string | number }[] };
  failed?: { requests?: { value?: number | null } };
}

/** The session summary from `sessionPageQuery`'s aggregations. */
function sessionSummaryOf(aggregations: unknown): Omit<SessionSummary, 'failuresByOrigin'> {
  const aggs = (aggregations ?? {}) as SessionAggregations;
  const first = aggs.first?.value ?? null;
  const last = aggs.last?.value ?? null;
  return {
    start: first === null ? null : new Date(first).toISOString(),
    end: last === null ? null : new Date(last).toISOString(),
    spanMs: first === null || last === null ? null : last - first,
    requests: aggs.requests?.value ?? 0,
    failedRequests: aggs.failed?.requests?.value ?? 0,
    services: (aggs.services?.buckets ?? []).map((bucket) => String(bucket.key)),
  };
}

/** Maps a client failure onto the store contract (store/event-store.ts). */
function rethrowAsStoreError(error: unknown): never {
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0;
    const type = errorType(error.body);
    if (
      type === 'search_context_missing_exception' ||
      (status === 404 && type?.includes('context'))
    )
      throw new ArianeError('ARIANE_CURSOR_EXPIRED');
    if (status === 429 || status >= 500) throw new ArianeError('ARIANE_STORE_UNAVAILABLE');
    throw error;
  }
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  )
    throw new ArianeError('ARIANE_STORE_UNAVAILABLE');
  throw error;
}

function errorType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: { type?: unknown; root_cause?: { type?: unknown }[] } }).error;
  const rootType = error?.root_cause?.[0]?.type;
  if (typeof rootType === 'string') return rootType;
  return typeof error?.type === 'string' ? error.type : undefined;
}
