import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import type { EventStore } from '../../store/event-store.js';
import { eventsIndicesBetween, type IndexNames } from '../../../../core/src/es/index-names.js';
import {
  ELSEWHERE,
  eventsOfRequestQuery,
  transactionsOfRequestQuery,
  type TimelineQueryContext,
} from './query.js';

export interface FetchedRequestEvents {
  readonly events: TraceEvent[];
  /** Events matching in Elasticsearch; more than `events.length` when the cap was reached. */
  readonly total: number;
  /** False when no event of the tenant carries any of the request ids. */
  readonly found: boolean;
  /** Events carrying the request ids in other tenants (0 unless `countElsewhere`). */
  readonly elsewhere: number;
}

export interface FetchRequestOptions {
  /** Daily index names, to read only the days the requests span. */
  readonly names: IndexNames;
  readonly maxEvents: number;
  readonly countElsewhere?: boolean;
}

const PAGE_SIZE = 2_000;

/**
 * How far from the request's own events a joined event may lie and still be found. Only the
 * daily indices of that span are read (one or two instead of the whole window): hosts whose
 * clocks or time zones are off by up to a day still land in it.
 */
export const JOIN_MARGIN_MS = 86_400_000;

/**
 * The events of one or more requests, in `@timestamp`, `event.id` order: query 1 finds the
 * request ids' transactions and their days, query 2 pages through the joined events of those
 * days until `maxEvents`.
 */
export async function fetchRequestEvents(
  store: EventStore,
  context: TimelineQueryContext,
  requestIds: readonly string[],
  options: FetchRequestOptions,
): Promise<FetchedRequestEvents> {
  const first = await store.search(
    transactionsOfRequestQuery(context, requestIds, options.countElsewhere),
  );
  const elsewhere = elsewhereCount(first.aggregations);
  if (first.hits.hits.length === 0) return { events: [], total: 0, found: false, elsewhere };
  const correlationIds = new Set<string>();
  let earliest = Infinity;
  let latest = -Infinity;
  for (const hit of first.hits.hits) {
    const source = hit._source as Partial<TraceEvent> | undefined;
    if (source?.transaction?.id) correlationIds.add(source.transaction.id);
    for (const id of source?.ariane?.correlation_ids ?? []) correlationIds.add(id);
    const at = Number(hit.sort?.[0]);
    if (Number.isFinite(at)) {
      earliest = Math.min(earliest, at);
      latest = Math.max(latest, at);
    }
  }
  const days: TimelineQueryContext = {
    ...context,
    index: Number.isFinite(earliest)
      ? eventsIndicesBetween(
          options.names,
          new Date(earliest - JOIN_MARGIN_MS),
          new Date(latest + JOIN_MARGIN_MS),
        ).join(',')
      : context.index,
  };
  const events: TraceEvent[] = [];
  let total = 0;
  let searchAfter: (string | number)[] | undefined;
  while (events.length < options.maxEvents) {
    const pageSize = Math.min(PAGE_SIZE, options.maxEvents - events.length);
    const page = await store.search(
      eventsOfRequestQuery(days, requestIds, [...correlationIds], pageSize, searchAfter),
    );
    total = totalOf(page.hits.total, total);
    for (const hit of page.hits.hits) events.push(hit._source as unknown as TraceEvent);
    const last = page.hits.hits.at(-1);
    if (page.hits.hits.length < pageSize || !last?.sort) break;
    searchAfter = last.sort as (string | number)[];
  }
  return { events, total: Math.max(total, events.length), found: true, elsewhere };
}

function elsewhereCount(aggregations: Record<string, unknown> | undefined): number {
  const bucket = aggregations?.[ELSEWHERE] as { doc_count?: number } | undefined;
  return bucket?.doc_count ?? 0;
}

function totalOf(total: number | { value: number } | undefined, previous: number): number {
  if (total === undefined) return previous;
  return typeof total === 'number' ? total : total.value;
}
