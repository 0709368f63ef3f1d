import type { RequestSummary, SessionTimeline } from '../contract/session-timeline.js';
import type { EventStore, StoreScope } from '../store/event-store.js';
import { buildRequestTimeline } from './assemble.js';
import { fetchLocatedEvents } from './fetch.js';
import type { TimelineReadOptions } from './read-request.js';
import { failuresByOrigin, groupEventsByRequest, summariseRequest } from './session-summary.js';

/**
 * One page of a session's requests, each summarised from its own timeline, or undefined when
 * no event of the tenant carries the session id.
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
  const { results, truncated } = await readRequestSummaries(store, scope, requestIds, options);
  return {
    applicationId,
    summary: { ...summary, failuresByOrigin: failuresByOrigin(results) },
    $hits: {
      total: summary.requests,
      offset: page.offset,
      limit: page.limit,
      size: results.length,
    },
    $results: results,
    truncated,
  };
}

/**
 * Several requests in one line each, with their diagnosis: fetched together (the same two
 * queries as one request), then split and built one by one. Route baselines come from the cache
 * only (a miss warms it for the next page): a page must not wait on one aggregation per route.
 * `truncated` when they had more events than `maxEvents`.
 */
export async function readRequestSummaries(
  store: EventStore,
  scope: StoreScope,
  requestIds: readonly string[],
  options: TimelineReadOptions,
): Promise<{ results: RequestSummary[]; truncated: boolean }> {
  if (requestIds.length === 0) return { results: [], truncated: false };
  const location = await store.locateRequests(scope, requestIds, { countElsewhere: false });
  const fetched = await fetchLocatedEvents(store, scope, requestIds, location, options);
  const groups = groupEventsByRequest(fetched.events, requestIds);
  const results = requestIds.map((requestId) => {
    const events = groups.get(requestId) ?? [];
    const route = location.routes.get(requestId);
    return summariseRequest(
      buildRequestTimeline(events, {
        requestId,
        tenant: scope.tenant,
        totalEvents: events.length,
        otherTenantMatches: 0,
        clockSkewToleranceMs: options.clockSkewToleranceMs,
        baseline: route ? options.baselines.cached(scope, route) : null,
      }),
    );
  });
  return { results, truncated: fetched.total > fetched.events.length };
}
