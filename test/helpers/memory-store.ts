import type { TraceEvent } from '../../core/src/schemas/trace-event.js';
import type { EventStore, StoreScope } from '../../query-api/src/store/event-store.js';
import { stubStore } from './query-api.js';

/**
 * The request-timeline part of the store over events held in memory, with the join rules the
 * Elasticsearch queries implement: a request's own events by `http.request.id`, then the events
 * sharing one of their correlation ids. Every scope it is asked for is recorded, so a test can
 * check that the route scoped its reads to the caller's tenant.
 */
export function memoryStore(
  events: readonly TraceEvent[],
  overrides: Partial<EventStore> = {},
): EventStore & { scopes: StoreScope[] } {
  const scopes: StoreScope[] = [];
  const inTenant = (scope: StoreScope) => {
    scopes.push(scope);
    return events.filter((event) => event.organization?.id === scope.tenant);
  };
  const own = (event: TraceEvent, requestIds: readonly string[]) =>
    event.http?.request?.id !== undefined && requestIds.includes(event.http.request.id);
  const store: EventStore = {
    ...stubStore(),
    locateRequests(scope, requestIds, { countElsewhere }) {
      const found = inTenant(scope).filter((event) => own(event, requestIds));
      const times = found.map((event) => Date.parse(event['@timestamp']));
      const elsewhere = countElsewhere
        ? events.filter(
            (event) => event.organization?.id !== scope.tenant && own(event, requestIds),
          ).length
        : 0;
      return Promise.resolve({
        found: found.length > 0,
        correlationIds: [
          ...new Set(
            found.flatMap((event) => [
              ...(event.transaction ? [event.transaction.id] : []),
              ...(event.ariane.correlation_ids ?? []),
            ]),
          ),
        ],
        traceIds: [...new Set(found.flatMap((event) => (event.trace ? [event.trace.id] : [])))],
        routes: new Map(
          found.flatMap((event) =>
            event.ariane.leg === 0 && event.http?.request?.id
              ? [
                  [
                    event.http.request.id,
                    {
                      api: event.ariane.api_name ?? null,
                      operation: event.ariane.api_operation ?? null,
                      method: event.http.request.method ?? null,
                      path: event.url?.path ?? null,
                    },
                  ] as const,
                ]
              : [],
          ),
        ),
        firstMs: times.length > 0 ? Math.min(...times) : undefined,
        lastMs: times.length > 0 ? Math.max(...times) : undefined,
        elsewhere,
      });
    },
    requestEvents(scope, join, page) {
      const joined = inTenant(scope).filter(
        (event) =>
          own(event, join.requestIds) ||
          (event.transaction !== undefined && join.correlationIds.includes(event.transaction.id)) ||
          (event.ariane.correlation_ids ?? []).some((id) => join.correlationIds.includes(id)) ||
          (event.trace !== undefined && join.traceIds.includes(event.trace.id)),
      );
      return Promise.resolve({
        events: joined.slice(0, page.size),
        total: joined.length,
        after: undefined,
      });
    },
    routeBaseline: () => Promise.resolve(null),
    requestExists: (scope, requestId) =>
      Promise.resolve(inTenant(scope).some((event) => own(event, [requestId]))),
    ...overrides,
  };
  return Object.assign(store, { scopes });
}
