import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import {
  TREE_LINKS,
  type Anomaly,
  type Hop,
  type RequestTimeline,
  type RouteBaseline,
  type TreeLink,
} from '../contract/request-timeline.js';
import { buildCallTree, type CallTree } from './call-tree.js';
import { diagnose } from './diagnosis.js';
import { rejectionEvidence } from './policy-path.js';
import { statusMismatches } from './status-mismatch.js';
import { selfTimes, timeBudget } from './time-budget.js';

export interface TimelineOptions {
  readonly requestId: string;
  readonly tenant: string;
  /** How many events matched in Elasticsearch; more than `events.length` means truncated. */
  readonly totalEvents: number;
  /** Events with this request id in other tenants: a count only, never their content. */
  readonly otherTenantMatches: number;
  readonly clockSkewToleranceMs: number;
  /** The route's usual duration, when known. */
  readonly baseline?: RouteBaseline | null;
}

interface HopDraft {
  kind: Hop['kind'];
  service: string;
  node: string | null;
  transactionId: string | null;
  leg: number | null;
  startMs: number;
  endMs: number;
  status: number | null;
  failed: boolean;
  succeeded: boolean;
  method: string | null;
  path: string | null;
  rawTimestamps: string[];
  eventIds: string[];
  spanIds: string[];
  parentSpanIds: string[];
}

/**
 * Rebuilds one request from its events, as fetched in `@timestamp`, `event.id` order.
 *
 * Hops: the gateway legs of each transaction (leg 0, then 1..n), generic gateway access lines,
 * then one hop per backend service and transaction (and span, when services log trace
 * context). The call tree says who called whom (call-tree.ts); own times, the critical path and
 * the gateway's share follow from it (time-budget.ts), and the diagnosis from all of them
 * (diagnosis.ts). Events are never reordered and timestamps never adjusted: what looks wrong is
 * reported in `anomalies`.
 */
export function buildRequestTimeline(
  events: readonly TraceEvent[],
  options: TimelineOptions,
): RequestTimeline {
  const drafts = [...collectGatewayHops(events), ...collectServiceHops(events)];
  const tree = buildCallTree(drafts);
  const timed = drafts.map((draft, index) => ({ ...draft, parent: tree.parent[index] ?? null }));
  const self = selfTimes(timed);
  const hops = drafts.map((draft, index) => toHop(draft, index, tree, self[index] ?? 0));

  const anomalies: Anomaly[] = [
    ...missingHops(hops),
    ...statusMismatches(hops),
    ...clockSkews(hops, drafts, options.clockSkewToleranceMs),
    ...reuseAnomalies(events, options),
  ];
  for (const event of events) {
    if (event.ariane.flags?.includes('future_timestamp'))
      anomalies.push({
        type: 'future_timestamp',
        message: 'An event is timestamped in the future: its host clock is probably wrong',
        hops: hops.flatMap((hop, index) => (hop.eventIds.includes(event.event.id) ? [index] : [])),
        details: { eventId: event.event.id, rawTimestamp: event.ariane.raw_timestamp },
      });
  }
  const truncated = options.totalEvents > events.length;
  if (truncated)
    anomalies.push({
      type: 'truncated',
      message: `Only the first ${events.length} of ${options.totalEvents} events are returned`,
      hops: [],
      details: { returnedEvents: events.length, totalEvents: options.totalEvents },
    });

  const summary = summarise(events, hops, options);
  const budget = timeBudget(timed, self, summary.totalDurationMs, options.baseline ?? null);
  const root = hops.find((hop) => hop.kind === 'gateway_leg' && hop.leg === 0);
  return {
    requestId: options.requestId,
    summary,
    diagnosis: diagnose({
      hops,
      errors: summary.errors,
      finalStatus: summary.finalStatus,
      rejectionEvidence: root ? rejectionEvidence(events, root.transactionId) : null,
      budget,
    }),
    timeBudget: budget,
    hops,
    callTree: { order: [...tree.order], links: countLinks(tree.link) },
    anomalies,
    truncated,
    events: events as unknown as Record<string, unknown>[],
  };
}

function countLinks(links: readonly TreeLink[]): Record<TreeLink, number> {
  const counts = Object.fromEntries(TREE_LINKS.map((link) => [link, 0])) as Record<
    TreeLink,
    number
  >;
  for (const link of links) counts[link] += 1;
  return counts;
}

function collectGatewayHops(events: readonly TraceEvent[]): HopDraft[] {
  const byKey = new Map<string, HopDraft>();
  for (const event of events) {
    if (event.service.type !== 'gateway') continue;
    const dataset = event.event.dataset;
    if (dataset === 'axway.leg' && event.ariane.leg !== undefined) {
      const key = `leg|${event.transaction?.id ?? ''}|${event.ariane.leg}`;
      mergeInto(byKey, key, event, 'gateway_leg', event.ariane.leg);
    } else if (dataset === 'gateway.access') {
      mergeInto(byKey, `access|${event.event.id}`, event, 'gateway_access', null);
    }
  }
  // Transactions in order of their first event, legs in leg order within each.
  const transactionOrder = new Map<string, number>();
  for (const hop of byKey.values()) {
    const tx = hop.transactionId ?? '';
    const first = transactionOrder.get(tx);
    if (first === undefined || hop.startMs < first) transactionOrder.set(tx, hop.startMs);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      (transactionOrder.get(a.transactionId ?? '') ?? 0) -
        (transactionOrder.get(b.transactionId ?? '') ?? 0) ||
      (a.transactionId ?? '').localeCompare(b.transactionId ?? '') ||
      (a.leg ?? -1) - (b.leg ?? -1) ||
      a.startMs - b.startMs,
  );
}

function collectServiceHops(events: readonly TraceEvent[]): HopDraft[] {
  const byKey = new Map<string, HopDraft>();
  for (const event of events) {
    if (event.service.type !== 'backend') continue;
    const tx = event.transaction?.id ?? event.ariane.correlation_ids?.[0] ?? '';
    // With trace context, each span of a service is a call of its own.
    const span = event.span?.id ?? '';
    mergeInto(byKey, `svc|${event.service.name}|${tx}|${span}`, event, 'service', null);
  }
  return [...byKey.values()].sort((a, b) => a.startMs - b.startMs);
}

function mergeInto(
  hops: Map<string, HopDraft>,
  key: string,
  event: TraceEvent,
  kind: Hop['kind'],
  leg: number | null,
): void {
  const { startMs, endMs } = eventSpan(event);
  const status = event.http?.response?.status_code ?? null;
  const existing = hops.get(key);
  if (!existing) {
    hops.set(key, {
      kind,
      service: event.service.name,
      node: event.service.node?.name ?? null,
      transactionId: event.transaction?.id ?? event.ariane.correlation_ids?.[0] ?? null,
      leg,
      startMs,
      endMs,
      status,
      failed: event.event.outcome === 'failure',
      succeeded: event.event.outcome === 'success',
      method: event.http?.request?.method ?? null,
      path: event.url?.path ?? null,
      rawTimestamps: [event.ariane.raw_timestamp],
      eventIds: [event.event.id],
      spanIds: event.span ? [event.span.id] : [],
      parentSpanIds: event.parent ? [event.parent.id] : [],
    });
    return;
  }
  existing.startMs = Math.min(existing.startMs, startMs);
  existing.endMs = Math.max(existing.endMs, endMs);
  // The last status logged wins: a service logs its response after any intermediate lines.
  if (status !== null) existing.status = status;
  existing.failed ||= event.event.outcome === 'failure';
  existing.succeeded ||= event.event.outcome === 'success';
  existing.method ??= event.http?.request?.method ?? null;
  existing.path ??= event.url?.path ?? null;
  existing.rawTimestamps.push(event.ariane.raw_timestamp);
  existing.eventIds.push(event.event.id);
  if (event.span && !existing.spanIds.includes(event.span.id)) existing.spanIds.push(event.span.id);
  if (event.parent && !existing.parentSpanIds.includes(event.parent.id))
    existing.parentSpanIds.push(event.parent.id);
}

/**
 * Start and end in epoch ms: event.start/end when logged. Otherwise a service line that carries
 * a duration is the one written when the response went out (pino-http's "request completed",
 * an access log line), so it ends at its @timestamp; any other line starts there.
 */
export function eventSpan(event: TraceEvent): { startMs: number; endMs: number } {
  const at = Date.parse(event['@timestamp']);
  const durationMs = event.event.duration === undefined ? 0 : event.event.duration / 1e6;
  if (!event.event.start && !event.event.end && event.event.dataset === 'service.log')
    return { startMs: at - durationMs, endMs: at };
  const startMs = event.event.start ? Date.parse(event.event.start) : at;
  const endMs = event.event.end ? Date.parse(event.event.end) : startMs + durationMs;
  return { startMs, endMs: Math.max(endMs, startMs) };
}

/**
 * Outbound legs under which no service logged. When some service could not be placed in the
 * call tree (its clock is off), it may be the one such a leg reached: its clock skew is reported
 * instead, rather than a missing hop that may not be missing.
 */
function missingHops(hops: readonly Hop[]): Anomaly[] {
  if (hops.some((hop) => hop.kind === 'service' && hop.link === 'unresolved')) return [];
  return hops
    .filter(
      (leg) =>
        leg.kind === 'gateway_leg' &&
        (leg.leg ?? 0) >= 1 &&
        !hops.some((hop) => hop.parent === leg.index && hop.kind === 'service'),
    )
    .map((leg) => ({
      type: 'missing_hop' as const,
      message: `Gateway leg ${leg.leg ?? '?'} forwarded the request but no service logged it`,
      hops: [leg.index],
      details: { transactionId: leg.transactionId, leg: leg.leg, status: leg.status },
    }));
}

/**
 * A service whose times fall outside its caller's (or, unplaced, outside the gateway's leg 0)
 * beyond the tolerance: its host's clock is probably skewed.
 */
function clockSkews(hops: readonly Hop[], drafts: readonly HopDraft[], toleranceMs: number) {
  const anomalies: Anomaly[] = [];
  const inbound = hops.find((hop) => hop.kind !== 'service' && (hop.leg ?? 0) === 0);
  for (const service of hops) {
    if (service.kind !== 'service') continue;
    const callerIndex = service.parent ?? inbound?.index;
    const caller = callerIndex === undefined ? undefined : drafts[callerIndex];
    const own = drafts[service.index];
    if (!caller || !own || callerIndex === undefined) continue;
    const earlyMs = caller.startMs - own.startMs;
    const lateMs = own.endMs - caller.endMs;
    if (earlyMs > toleranceMs || lateMs > toleranceMs)
      anomalies.push({
        type: 'clock_skew',
        message: `${service.service} logged times outside the hop that called it: its clock is probably skewed`,
        hops: [callerIndex, service.index],
        details: {
          startsEarlyByMs: Math.max(0, earlyMs),
          endsLateByMs: Math.max(0, lateMs),
          toleranceMs,
          gatewayRawTimestamp: caller.rawTimestamps[0] ?? null,
          serviceRawTimestamp: own.rawTimestamps[0] ?? null,
        },
      });
  }
  return anomalies;
}

function reuseAnomalies(events: readonly TraceEvent[], options: TimelineOptions): Anomaly[] {
  const anomalies: Anomaly[] = [];
  if (options.otherTenantMatches > 0)
    anomalies.push({
      type: 'request_id_reused_across_tenants',
      message: 'This request id also appears in other tenants (their events are not shown)',
      hops: [],
      details: { otherTenantEvents: options.otherTenantMatches },
    });
  const sessions = distinct(events.map((event) => event.ariane.session_id));
  if (sessions.length > 1)
    anomalies.push({
      type: 'request_id_reused_across_sessions',
      message: `This request id appears in ${sessions.length} sessions`,
      hops: [],
      details: { sessions: sessions.length },
    });
  return anomalies;
}

function toHop(draft: HopDraft, index: number, tree: CallTree, selfMs: number): Hop {
  return {
    index,
    kind: draft.kind,
    service: draft.service,
    node: draft.node,
    transactionId: draft.transactionId,
    leg: draft.leg,
    method: draft.method,
    path: draft.path,
    parent: tree.parent[index] ?? null,
    link: tree.link[index] ?? 'unresolved',
    depth: tree.depth[index] ?? 0,
    selfMs,
    start: new Date(draft.startMs).toISOString(),
    end: new Date(draft.endMs).toISOString(),
    durationMs: draft.endMs - draft.startMs,
    status: draft.status,
    outcome: outcomeOf(draft.failed || (draft.status ?? 0) >= 500, draft.succeeded),
    rawTimestamps: draft.rawTimestamps,
    eventIds: draft.eventIds,
  };
}

function outcomeOf(failed: boolean, succeeded: boolean): Hop['outcome'] {
  if (failed) return 'failure';
  return succeeded ? 'success' : 'unknown';
}

function summarise(
  events: readonly TraceEvent[],
  hops: readonly Hop[],
  options: TimelineOptions,
): RequestTimeline['summary'] {
  const entry =
    hops.find((hop) => hop.kind === 'gateway_leg' && hop.leg === 0) ??
    hops.find((hop) => hop.kind === 'gateway_access');
  const entryEvent = entry
    ? events.find((event) => event.event.id === entry.eventIds[0])
    : undefined;
  const outbound = hops.filter((hop) => hop.kind === 'gateway_leg' && (hop.leg ?? 0) >= 1);
  const services = hops.filter((hop) => hop.kind === 'service');
  const backendMs = sum((outbound.length > 0 ? outbound : services).map((hop) => hop.durationMs));
  const spans = events.map(eventSpan);
  const start =
    spans.length > 0 ? spans.reduce((min, s) => Math.min(min, s.startMs), Infinity) : undefined;
  const end =
    spans.length > 0 ? spans.reduce((max, s) => Math.max(max, s.endMs), -Infinity) : undefined;
  const totalDurationMs =
    entry?.durationMs ?? (start !== undefined && end !== undefined ? end - start : null);
  const finalStatus = entry?.status ?? summaryStatus(events);
  return {
    method:
      entryEvent?.http?.request?.method ?? firstDefined(events.map((e) => e.http?.request?.method)),
    path: entryEvent?.url?.path ?? firstDefined(events.map((e) => e.url?.path)),
    finalStatus,
    outcome:
      entry?.outcome ??
      (finalStatus === null ? 'unknown' : finalStatus >= 500 ? 'failure' : 'success'),
    start: start === undefined ? null : new Date(start).toISOString(),
    end: end === undefined ? null : new Date(end).toISOString(),
    totalDurationMs,
    gatewayMs:
      totalDurationMs === null || hops.length === 0
        ? null
        : Math.max(0, totalDurationMs - backendMs),
    backendMs: hops.length === 0 ? null : backendMs,
    services: distinct(services.map((hop) => hop.service)),
    errors: events
      .filter(
        (event) =>
          event.event.outcome === 'failure' ||
          (event.http?.response?.status_code ?? 0) >= 500 ||
          event.error !== undefined,
      )
      .map((event) => ({
        eventId: event.event.id,
        service: event.service.name,
        status: event.http?.response?.status_code ?? null,
        code: event.error?.code ?? null,
        type: event.error?.type ?? null,
        message: event.error?.message ?? null,
      })),
    correlation: {
      tenant: options.tenant,
      sessionIds: distinct(events.map((event) => event.ariane.session_id)),
      clientIds: distinct(events.map((event) => event.ariane.client_id)),
      transactionIds: distinct(
        events.flatMap((event) => [event.transaction?.id, ...(event.ariane.correlation_ids ?? [])]),
      ),
    },
    eventCount: events.length,
    totalEvents: Math.max(options.totalEvents, events.length),
  };
}

/** Axway's transaction summary carries the status the client got when leg 0 is missing. */
function summaryStatus(events: readonly TraceEvent[]): number | null {
  const summary = events.find(
    (event) =>
      event.event.dataset === 'axway.summary' && event.http?.response?.status_code !== undefined,
  );
  return summary?.http?.response?.status_code ?? null;
}

function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

function firstDefined<T>(values: readonly (T | undefined)[]): T | null {
  return values.find((value) => value !== undefined) ?? null;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
