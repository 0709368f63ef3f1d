import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { RequestTimeline } from '../contract/request-timeline.js';
import type { RequestSummary } from '../contract/session-timeline.js';

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
