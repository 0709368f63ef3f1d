import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import type { RequestTimeline } from '../requests/schema.js';
import type { RequestSummary, SessionTimeline } from './schema.js';

/**
 * Splits the events of several requests by request id. An event without a request id (an
 * Axway summary line, a backend that logged only X-CorrelationID) belongs to the request whose
 * events share one of its correlation ids. Order within each request is kept.
 */
export function groupEventsByRequest(
  events: readonly TraceEvent[],
  requestIds: readonly string[],
): Map<string, TraceEvent[]> {
  const wanted = new Set(requestIds);
  const requestOfCorrelation = new Map<string, string>();
  for (const event of events) {
    const requestId = event.http?.request?.id;
    if (requestId === undefined || !wanted.has(requestId)) continue;
    for (const id of correlationIdsOf(event))
      if (!requestOfCorrelation.has(id)) requestOfCorrelation.set(id, requestId);
  }
  const groups = new Map<string, TraceEvent[]>(requestIds.map((id) => [id, []]));
  for (const event of events) {
    const own = event.http?.request?.id;
    const requestId =
      own !== undefined && wanted.has(own)
        ? own
        : correlationIdsOf(event)
            .map((id) => requestOfCorrelation.get(id))
            .find((id) => id !== undefined);
    if (requestId !== undefined) groups.get(requestId)?.push(event);
  }
  return groups;
}

function correlationIdsOf(event: TraceEvent): string[] {
  const ids = [...(event.ariane.correlation_ids ?? [])];
  if (event.transaction?.id) ids.push(event.transaction.id);
  return ids;
}

export function summariseRequest(timeline: RequestTimeline): RequestSummary {
  const { summary } = timeline;
  return {
    requestId: timeline.requestId,
    start: summary.start,
    method: summary.method,
    path: summary.path,
    status: summary.finalStatus,
    durationMs: summary.totalDurationMs,
    services: summary.services,
    errors: summary.errors.length,
    anomalies: [...new Set(timeline.anomalies.map((anomaly) => anomaly.type))],
    eventCount: summary.eventCount,
  };
}

interface SessionAggregations {
  requests?: { value?: number | null };
  first?: { value?: number | null; value_as_string?: string };
  last?: { value?: number | null; value_as_string?: string };
  services?: { buckets?: { key: string | number }[] };
  failed?: { requests?: { value?: number | null } };
}

/** The session summary from `sessionPageQuery`'s aggregations. */
export function sessionSummaryFromAggregations(aggregations: unknown): SessionTimeline['summary'] {
  const aggs = (aggregations ?? {}) as SessionAggregations;
  const first = aggs.first?.value ?? null;
  const last = aggs.last?.value ?? null;
  return {
    start: first === null ? null : new Date(first).toISOString(),
    end: last === null ? null : new Date(last).toISOString(),
    spanMs: first === null || last === null ? null : last - first,
    requests: aggs.requests?.value ?? 0,
    failedRequests: aggs.failed?.requests?.value ?? 0,
    services: (aggs.services?.buckets ?? []).map((bucket) => String(bucket.key)),
  };
}
