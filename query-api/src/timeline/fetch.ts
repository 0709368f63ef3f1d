import { eventsIndicesBetween, type IndexNames } from '../../../core/src/es/index-names.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { EventStore, RequestLocation, SortValues, StoreScope } from '../store/event-store.js';

export interface FetchedRequestEvents {
  readonly events: TraceEvent[];
  /** Events matching in the store; more than `events.length` when the cap was reached. */
  readonly total: number;
  /** False when no event of the tenant carries any of the request ids. */
  readonly found: boolean;
  /** Events carrying the request ids in other tenants (0 unless query 1 counted them). */
  readonly elsewhere: number;
}

export interface FetchRequestOptions {
  /** Daily index names, to read only the days the requests span. */
  readonly names: IndexNames;
  readonly maxEvents: number;
  /** Read the Axway policy paths too (one request: they say what rejected it). */
  readonly withPolicyPath?: boolean;
}

const PAGE_SIZE = 2_000;

/**
 * How far from the request's own events a joined event may lie and still be found. Only the
 * daily indices of that span are read (one or two instead of the whole window): hosts whose
 * clocks or time zones are off by up to a day still land in it.
 */
export const JOIN_MARGIN_MS = 86_400_000;

/**
 * The events of one or more requests, in `@timestamp`, `event.id` order, once query 1
 * (`store.locateRequests`) has found their transactions, trace ids and days: query 2 pages
 * through the joined events of those days until `maxEvents`.
 */
export async function fetchLocatedEvents(
  store: EventStore,
  scope: StoreScope,
  requestIds: readonly string[],
  location: RequestLocation,
  options: FetchRequestOptions,
): Promise<FetchedRequestEvents> {
  const { elsewhere } = location;
  if (!location.found) return { events: [], total: 0, found: false, elsewhere };
  const days: StoreScope = {
    ...scope,
    index:
      location.firstMs !== undefined && location.lastMs !== undefined
        ? eventsIndicesBetween(
            options.names,
            new Date(location.firstMs - JOIN_MARGIN_MS),
            new Date(location.lastMs + JOIN_MARGIN_MS),
          ).join(',')
        : scope.index,
  };
  const join = {
    requestIds,
    correlationIds: location.correlationIds,
    traceIds: location.traceIds,
  };
  const withPolicyPath = options.withPolicyPath === true;
  const events: TraceEvent[] = [];
  let total = 0;
  let after: SortValues | undefined;
  while (events.length < options.maxEvents) {
    const size = Math.min(PAGE_SIZE, options.maxEvents - events.length);
    const page = await store.requestEvents(days, join, { size, after, withPolicyPath });
    total = page.total;
    events.push(...page.events);
    if (page.events.length < size || page.after === undefined) break;
    after = page.after;
  }
  return { events, total: Math.max(total, events.length), found: true, elsewhere };
}
