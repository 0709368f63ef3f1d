import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import type { EventStore } from '../../store/event-store.js';
import {
  eventsOfRequestQuery,
  requestIdElsewhereQuery,
  transactionsOfRequestQuery,
  type TimelineQueryContext,
} from './query.js';

export interface FetchedRequestEvents {
  readonly events: TraceEvent[];
  /** Events matching in Elasticsearch; more than `events.length` when the cap was reached. */
  readonly total: number;
  /** False when no event of the tenant carries any of the request ids. */
  readonly found: boolean;
}

const PAGE_SIZE = 2_000;

/**
 * The events of one or more requests, in `@timestamp`, `event.id` order: query 1 finds the
 * request ids' transactions, query 2 pages through the joined events until `maxEvents`.
 */
export async function fetchRequestEvents(
  store: EventStore,
  context: TimelineQueryContext,
  requestIds: readonly string[],
  maxEvents: number,
): Promise<FetchedRequestEvents> {
  const first = await store.search(transactionsOfRequestQuery(context, requestIds));
  if (first.hits.hits.length === 0) return { events: [], total: 0, found: false };
  const correlationIds = new Set<string>();
  for (const hit of first.hits.hits) {
    const source = hit._source as Partial<TraceEvent> | undefined;
    if (source?.transaction?.id) correlationIds.add(source.transaction.id);
    for (const id of source?.ariane?.correlation_ids ?? []) correlationIds.add(id);
  }
  const events: TraceEvent[] = [];
  let total = 0;
  let searchAfter: (string | number)[] | undefined;
  while (events.length < maxEvents) {
    const pageSize = Math.min(PAGE_SIZE, maxEvents - events.length);
    const page = await store.search(
      eventsOfRequestQuery(context, requestIds, [...correlationIds], pageSize, searchAfter),
    );
    total = totalOf(page.hits.total, total);
    for (const hit of page.hits.hits) events.push(hit._source as unknown as TraceEvent);
    const last = page.hits.hits.at(-1);
    if (page.hits.hits.length < pageSize || !last?.sort) break;
    searchAfter = last.sort as (string | number)[];
  }
  return { events, total: Math.max(total, events.length), found: true };
}

/** How many events of this request id live in other tenants (a count, never their data). */
export function countInOtherTenants(
  store: EventStore,
  context: TimelineQueryContext,
  requestId: string,
): Promise<number> {
  return store.count(requestIdElsewhereQuery(context, requestId));
}

function totalOf(total: number | { value: number } | undefined, previous: number): number {
  if (total === undefined) return previous;
  return typeof total === 'number' ? total : total.value;
}
