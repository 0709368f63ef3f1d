import type { IndexNames } from '../../../core/src/es/index-names.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { RequestTimeline } from '../contract/request-timeline.js';
import type { EventStore, StoreScope } from '../store/event-store.js';
import { buildRequestTimeline } from './assemble.js';
import { fetchLocatedEvents, readPages } from './fetch.js';
import { routeOf, type RouteBaselines } from './route-baselines.js';

export interface TimelineReadOptions {
  readonly names: IndexNames;
  readonly maxEvents: number;
  readonly clockSkewToleranceMs: number;
  readonly baselines: RouteBaselines;
}

interface ReadEvents {
  readonly events: TraceEvent[];
  readonly total: number;
  readonly elsewhere: number;
}

/**
 * One request's timeline, or undefined when no event of the tenant carries the request id.
 *
 * One search when the request's keys are recorded (ADR 005, `requestTimelineQuery`); the two
 * searches of before otherwise (events stored before the request-keys index, a keys document
 * Elasticsearch refused), which the first search's counts reveal. The route's baseline comes from
 * the cache, or from one aggregation once the events say what the route is.
 */
export async function readRequestTimeline(
  store: EventStore,
  scope: StoreScope,
  requestId: string,
  options: TimelineReadOptions,
): Promise<RequestTimeline | undefined> {
  const read =
    (await readInOneSearch(store, scope, requestId, options)) ??
    (await readInTwoSearches(store, scope, requestId, options));
  if (read === 'absent') return undefined;
  const route = read.events
    .filter((event) => event.http?.request?.id === requestId)
    .map(routeOf)
    .find((found) => found !== undefined);
  const baseline = route ? await options.baselines.lookup(scope, route) : null;
  return buildRequestTimeline(read.events, {
    requestId,
    tenant: scope.tenant,
    totalEvents: read.total,
    otherTenantMatches: read.elsewhere,
    clockSkewToleranceMs: options.clockSkewToleranceMs,
    baseline,
  });
}

/**
 * The events through the request-keys document; undefined when it was never recorded: the
 * request's own events carry keys, yet no event was matched through the document.
 */
async function readInOneSearch(
  store: EventStore,
  scope: StoreScope,
  requestId: string,
  options: TimelineReadOptions,
): Promise<ReadEvents | 'absent' | undefined> {
  let elsewhere = 0;
  let keyed = false;
  const read = await readPages(options.maxEvents, async (size, after) => {
    const page = await store.requestTimelinePage(scope, options.names.requestKeys, requestId, {
      size,
      after,
    });
    elsewhere = page.elsewhere ?? elsewhere;
    keyed ||= page.keyed;
    return page;
  });
  const own = read.events.filter((event) => event.http?.request?.id === requestId);
  const truncated = read.total > read.events.length;
  if (own.length === 0 && !truncated) return 'absent';
  if (!keyed && own.some(carriesKeys)) return undefined;
  return { ...read, elsewhere };
}

/** Whether an event carries an id a request-keys document would hold. */
const carriesKeys = (event: TraceEvent) =>
  event.transaction !== undefined ||
  event.trace !== undefined ||
  (event.ariane.correlation_ids ?? []).length > 0;

/** Query 1 for the request's transactions, trace ids and days, then query 2 for their events. */
async function readInTwoSearches(
  store: EventStore,
  scope: StoreScope,
  requestId: string,
  options: TimelineReadOptions,
): Promise<ReadEvents | 'absent'> {
  const location = await store.locateRequests(scope, [requestId], { countElsewhere: true });
  if (!location.found) return 'absent';
  return fetchLocatedEvents(store, scope, [requestId], location, {
    names: options.names,
    maxEvents: options.maxEvents,
    withPolicyPath: true,
  });
}
