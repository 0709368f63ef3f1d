import type { IndexNames } from '../../../core/src/es/index-names.js';
import type { RequestTimeline } from '../contract/request-timeline.js';
import type { EventStore, StoreScope } from '../store/event-store.js';
import { buildRequestTimeline } from './assemble.js';
import { fetchLocatedEvents } from './fetch.js';
import type { RouteBaselines } from './route-baselines.js';

export interface TimelineReadOptions {
  readonly names: IndexNames;
  readonly maxEvents: number;
  readonly clockSkewToleranceMs: number;
  readonly baselines: RouteBaselines;
}

/**
 * One request's timeline, or undefined when no event of the tenant carries the request id.
 * The route's baseline is looked up while query 2 runs, so a cache miss costs no extra wait
 * unless the aggregation is the slower of the two.
 */
export async function readRequestTimeline(
  store: EventStore,
  scope: StoreScope,
  requestId: string,
  options: TimelineReadOptions,
): Promise<RequestTimeline | undefined> {
  const location = await store.locateRequests(scope, [requestId], { countElsewhere: true });
  if (!location.found) return undefined;
  const route = location.routes.get(requestId);
  const [fetched, baseline] = await Promise.all([
    fetchLocatedEvents(store, scope, [requestId], location, {
      names: options.names,
      maxEvents: options.maxEvents,
      withPolicyPath: true,
    }),
    route ? options.baselines.lookup(scope, route) : null,
  ]);
  return buildRequestTimeline(fetched.events, {
    requestId,
    tenant: scope.tenant,
    totalEvents: fetched.total,
    otherTenantMatches: fetched.elsewhere,
    clockSkewToleranceMs: options.clockSkewToleranceMs,
    baseline,
  });
}
