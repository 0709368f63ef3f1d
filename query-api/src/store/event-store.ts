import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { ArianeError } from '../../../core/src/errors.js';

export type SearchRequest = estypes.SearchRequest;
export type SearchResponse = estypes.SearchResponse<Record<string, unknown>>;
export type CountRequest = estypes.CountRequest;

/**
 * What the query API needs from Elasticsearch, and nothing else. Request bodies are built by
 * the pure query builders (tenant-scoped by `store/scope.ts`) and passed through unchanged.
 *
 * Contract: every method either resolves with Elasticsearch's answer or rejects with an
 * ArianeError — ARIANE_STORE_UNAVAILABLE when Elasticsearch cannot be reached, times out or
 * answers 429/5xx (retryable, so the caller gets 503, not 500), ARIANE_CURSOR_EXPIRED when a
 * point in time is gone. Any other rejection is a bug in a query builder and becomes a 500.
 */
export interface EventStore {
  search(request: SearchRequest): Promise<SearchResponse>;
  count(request: CountRequest): Promise<number>;
  openPointInTime(index: string, keepAlive: string): Promise<string>;
  /** Never rejects: a point in time that cannot be closed expires on its own. */
  closePointInTime(id: string): Promise<void>;
  /** True when Elasticsearch answers; never rejects. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function createElasticsearchEventStore(client: Client, timeoutMs: number): EventStore {
  const options = { requestTimeout: timeoutMs, maxRetries: 0 };
  return {
    search: (request) =>
      client.search<Record<string, unknown>>(request, options).catch(rethrowAsStoreError),
    count: (request) =>
      client
        .count(request, options)
        .then((response) => response.count)
        .catch(rethrowAsStoreError),
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

/** Maps a client failure onto the store contract above. */
export function rethrowAsStoreError(error: unknown): never {
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
