import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { DeadLettersQuery } from '../contract/dead-letters.js';
import type { EventsQuery } from '../contract/events.js';
import type { DeadLetterScope } from '../search/dead-letter-queries.js';
import type { RouteBaseline } from '../contract/request-timeline.js';
import type { SessionSummary } from '../contract/session-timeline.js';

/** Where a read looks: the index pattern (or daily indices) and the caller's tenant. */
export interface StoreScope {
  readonly index: string;
  readonly tenant: string;
}

/** Sort values of the last event of a page; the next page starts after them. */
export type SortValues = readonly (string | number | null)[];

/** What the request ids' own events say about where the rest of their events are. */
export interface RequestLocation {
  /** False when no event of the tenant carries any of the request ids. */
  readonly found: boolean;
  /** Axway correlation ids of the request ids' transactions, to join events without a request id. */
  readonly correlationIds: readonly string[];
  /** Earliest and latest `@timestamp` of those transactions, to read only the days they span. */
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
  /** W3C trace ids of the request ids' events, to join events that carry no request id. */
  readonly traceIds: readonly string[];
  /** Per request id, the route its gateway leg 0 (or access line) served. */
  readonly routes: ReadonlyMap<string, RouteKey>;
  /** Events carrying the request ids in other tenants (0 unless asked for). */
  readonly elsewhere: number;
}

export interface RequestJoin {
  readonly requestIds: readonly string[];
  readonly correlationIds: readonly string[];
  readonly traceIds: readonly string[];
}

/** An API route as the gateway names it (API and operation) or, failing that, by its path. */
export interface RouteKey {
  readonly api: string | null;
  readonly operation: string | null;
  readonly method: string | null;
  readonly path: string | null;
}

export interface EventPage<E> {
  readonly events: E[];
  /** Matching events in the store, beyond this page too. */
  readonly total: number;
  /** Where the next page starts; undefined when the page is empty. */
  readonly after: SortValues | undefined;
}

/** A stored event as search returns it: a TraceEvent document, unknown fields kept. */
export type StoredEvent = Record<string, unknown>;

export interface SessionRequests {
  /** The page's request ids, in the order the requests started. */
  readonly requestIds: string[];
  /** The whole session's summary, whatever the page (failures by origin need the timelines). */
  readonly summary: Omit<SessionSummary, 'failuresByOrigin'>;
}

/**
 * What the query API needs from its event store, in its own terms: the Elasticsearch queries
 * behind each method are pure builders (timeline/*-queries.ts, search/queries.ts) whose bodies
 * are snapshot-tested, and every read is scoped to `scope.tenant` (store/scope.ts).
 *
 * Contract: every method either resolves or rejects with an ArianeError —
 * ARIANE_STORE_UNAVAILABLE when the store cannot be reached, times out or is overloaded
 * (retryable, so the caller gets 503, not 500), ARIANE_CURSOR_EXPIRED when a point in time is
 * gone. Any other rejection is a bug and becomes a 500.
 */
export interface EventStore {
  /** Query 1 of a timeline: the transactions and days of the request ids' own events. */
  locateRequests(
    scope: StoreScope,
    requestIds: readonly string[],
    options: { countElsewhere: boolean },
  ): Promise<RequestLocation>;
  /** Query 2: one page of the joined events, in `@timestamp`, `event.id` order. */
  requestEvents(
    scope: StoreScope,
    join: RequestJoin,
    page: { size: number; after: SortValues | undefined; withPolicyPath: boolean },
  ): Promise<EventPage<TraceEvent>>;
  /** The route's p50 and p95 over the last 24 h; null when it has no sample. */
  routeBaseline(scope: StoreScope, route: RouteKey, nowMs: number): Promise<RouteBaseline | null>;
  requestExists(scope: StoreScope, requestId: string): Promise<boolean>;
  /** One page of a session's request ids in start order, with the session summary. */
  sessionRequests(
    scope: StoreScope,
    applicationId: string,
    page: { limit: number; offset: number },
  ): Promise<SessionRequests>;
  sessionExists(scope: StoreScope, applicationId: string): Promise<boolean>;
  /** One page of the request ids whose events match the search, most recent first by default. */
  searchRequests(
    scope: StoreScope,
    params: EventsQuery,
  ): Promise<{ requestIds: string[]; total: number }>;
  /** One page of event search by `$offset`/`$limit`. */
  searchEvents(scope: StoreScope, params: EventsQuery): Promise<EventPage<StoredEvent>>;
  openPointInTime(index: string, keepAlive: string): Promise<string>;
  /** One cursor page over a point in time; `pit` is the id to use for the next page. */
  searchEventsAfter(
    tenant: string,
    params: EventsQuery,
    pit: { id: string; keepAlive: string },
    after: SortValues | undefined,
  ): Promise<EventPage<StoredEvent> & { pit: string }>;
  /**
   * One page of `index`'s dead letters, newest first, as stored (the caller validates them: the
   * index is Ariane's, but a foreign writer's document must not be served as a dead letter).
   */
  searchDeadLetters(
    index: string,
    scope: DeadLetterScope,
    params: DeadLettersQuery,
  ): Promise<{ total: number; deadLetters: { id: string; stored: unknown }[] }>;
  /** Never rejects: a point in time that cannot be closed expires on its own. */
  closePointInTime(id: string): Promise<void>;
  /** True when the store answers; never rejects. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
