import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { RequestTimeline } from '../contract/request-timeline.js';
import type { RequestSummary, SessionSummary } from '../contract/session-timeline.js';

/**
 * Splits the events of several requests by request id. An event without a request id (an
 * Axway summary line, a backend that logged only X-CorrelationID or only trace context) belongs
 * to the request whose events share one of its correlation or trace ids. Order within each
 * request is kept.
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

/** The join keys of an event; trace ids are prefixed, they live apart from Axway's ids. */
function correlationIdsOf(event: TraceEvent): string[] {
  const ids = [...(event.ariane.correlation_ids ?? [])];
  if (event.transaction?.id) ids.push(event.transaction.id);
  if (event.trace?.id) ids.push(`trace:${event.trace.id}`);
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
    diagnosis: timeline.diagnosis,
  };
}

/** Failed requests counted by where they failed: the gateway, each backend, the network. */
export function failuresByOrigin(
  requests: readonly RequestSummary[],
): SessionSummary['failuresByOrigin'] {
  const counts = new Map<string, SessionSummary['failuresByOrigin'][number]>();
  for (const { diagnosis } of requests) {
    if (diagnosis.origin === null) continue;
    const service = diagnosis.origin === 'backend' ? diagnosis.service : null;
    const key = `${diagnosis.origin}|${service ?? ''}`;
    const entry = counts.get(key) ?? { origin: diagnosis.origin, service, requests: 0 };
    counts.set(key, { ...entry, requests: entry.requests + 1 });
  }
  return [...counts.values()].sort(
    (a, b) =>
      b.requests - a.requests ||
      a.origin.localeCompare(b.origin) ||
      (a.service ?? '').localeCompare(b.service ?? ''),
  );
}
