import type { SessionTimeline } from '../contract/session-timeline.js';
import type { EventStore, StoreScope } from '../store/event-store.js';
import { buildRequestTimeline } from './assemble.js';
import { fetchRequestEvents } from './fetch.js';
import type { TimelineReadOptions } from './read-request.js';
import { groupEventsByRequest, summariseRequest } from './session-summary.js';

/**
 * One page of a session's requests, each summarised from its own timeline, or undefined when
 * no event of the tenant carries the session id. The page's requests are fetched together (the
 * same two queries as one request), then split and built one by one.
 */
export async function readSessionTimeline(
  store: EventStore,
  scope: StoreScope,
  applicationId: string,
  page: { limit: number; offset: number },
  options: TimelineReadOptions,
): Promise<SessionTimeline | undefined> {
  const { requestIds, summary } = await store.sessionRequests(scope, applicationId, page);
  if (summary.requests === 0 && summary.start === null) return undefined;
  const fetched =
    requestIds.length === 0
      ? { events: [], total: 0 }
      : await fetchRequestEvents(store, scope, requestIds, {
          names: options.names,
          maxEvents: options.maxEvents,
        });
  const groups = groupEventsByRequest(fetched.events, requestIds);
  const results = requestIds.map((requestId) => {
    const events = groups.get(requestId) ?? [];
    return summariseRequest(
      buildRequestTimeline(events, {
        requestId,
        tenant: scope.tenant,
        totalEvents: events.length,
        otherTenantMatches: 0,
        clockSkewToleranceMs: options.clockSkewToleranceMs,
      }),
    );
  });
  return {
    applicationId,
    summary,
    $hits: {
      total: summary.requests,
      offset: page.offset,
      limit: page.limit,
      size: results.length,
    },
    $results: results,
    truncated: fetched.total > fetched.events.length,
  };
}
