import type { RouteBaseline } from '../contract/request-timeline.js';
import type { RequestSummary, SessionTimeline } from '../contract/session-timeline.js';
import type { EventStore, RouteKey, StoreScope } from '../store/event-store.js';
import { buildRequestTimeline } from './assemble.js';
import { fetchLocatedEvents } from './fetch.js';
import type { TimelineReadOptions } from './read-request.js';
import { failuresByOrigin, groupEventsByRequest, summariseRequest } from './session-summary.js';

/** Distinct routes of a page whose baselines are looked up; a page rarely spans more. */
const MAX_ROUTES_PER_PAGE = 20;

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
 * queries as one request, the baselines of their routes looked up meanwhile), then split and
 * built one by one. `truncated` when they had more events than `maxEvents`.
 */
export async function readRequestSummaries(
  store: EventStore,
  scope: StoreScope,
  requestIds: readonly string[],
  options: TimelineReadOptions,
): Promise<{ results: RequestSummary[]; truncated: boolean }> {
  if (requestIds.length === 0) return { results: [], truncated: false };
  const location = await store.locateRequests(scope, requestIds, { countElsewhere: false });
  const routes = new Map<string, RouteKey>();
  for (const route of location.routes.values()) routes.set(routeKey(route), route);
  const looked = [...routes].slice(0, MAX_ROUTES_PER_PAGE);
  const [fetched, baselines] = await Promise.all([
    fetchLocatedEvents(store, scope, requestIds, location, options),
    Promise.all(looked.map(([, route]) => options.baselines(scope, route))),
  ]);
  const baselineOf = new Map<string, RouteBaseline | null>(
    looked.map(([key], index) => [key, baselines[index] ?? null]),
  );
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
        baseline: route ? (baselineOf.get(routeKey(route)) ?? null) : null,
      }),
    );
  });
  return { results, truncated: fetched.total > fetched.events.length };
}

function routeKey(route: RouteKey): string {
  return JSON.stringify([route.api, route.operation, route.method, route.path]);
}
