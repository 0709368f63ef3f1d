import type { IndexNames } from '../../../core/src/es/index-names.js';
import type { RequestTimeline } from '../contract/request-timeline.js';
import type { EventStore, StoreScope } from '../store/event-store.js';
import { buildRequestTimeline } from './assemble.js';
import { fetchRequestEvents } from './fetch.js';

export interface TimelineReadOptions {
  readonly names: IndexNames;
  readonly maxEvents: number;
  readonly clockSkewToleranceMs: number;
}

/** One request's timeline, or undefined when no event of the tenant carries the request id. */
export async function readRequestTimeline(
  store: EventStore,
  scope: StoreScope,
  requestId: string,
  options: TimelineReadOptions,
): Promise<RequestTimeline | undefined> {
  const fetched = await fetchRequestEvents(store, scope, [requestId], {
    names: options.names,
    maxEvents: options.maxEvents,
    countElsewhere: true,
  });
  if (!fetched.found) return undefined;
  return buildRequestTimeline(fetched.events, {
    requestId,
    tenant: scope.tenant,
    totalEvents: fetched.total,
    otherTenantMatches: fetched.elsewhere,
    clockSkewToleranceMs: options.clockSkewToleranceMs,
  });
}
