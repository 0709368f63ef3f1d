import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { EventLogLeg, EventLogTransaction } from '../formats/axway-event-log.js';
import type {
  CircuitPathLine,
  LegLine,
  ProcessInfo,
  ServiceContext,
  SummaryLine,
} from '../formats/axway-open-traffic.js';
import { firstValue, indexFields, type FieldMapping } from '../formats/field-mapping.js';
import { correlationIdsIn } from './correlation-header.js';
import {
  finishEvent,
  FlagSet,
  forwardedIps,
  idOrUndefined,
  ipOrUndefined,
  iso,
  outcomeFromHttpStatus,
  portOrUndefined,
  splitTarget,
  type Draft,
  type IndexableEvent,
  type NormaliseContext,
} from './normalised.js';
import { firstHeader, parseRawHeaders, type RawHeaders } from './raw-headers.js';
import { redactHeaderBlock, redactQuery, redactText, redactUrl } from './redact.js';

/**
 * Axway records to TraceEvents. Every line is normalised on its own, with no memory of other
 * lines: a transaction's legs, summary and policy path are separate documents with ids derived
 * from the correlation id (`axway:<cid>:leg:<n>`, `axway:<cid>:summary`, `axway:<cid>:circuit`),
 * joined at query time through `transaction.id`. Both Axway log formats produce the same leg and
 * summary ids, so shipping both, or replaying, never duplicates a leg.
 */

export const AXWAY_SERVICE_NAME = 'axway-api-gateway';
const OBSERVER = { vendor: 'Axway', product: 'API Gateway' } as const;

export const legEventId = (cid: string, leg: number) => `axway:${cid}:leg:${leg}`;
export const summaryEventId = (cid: string) => `axway:${cid}:summary`;
export const circuitEventId = (cid: string) => `axway:${cid}:circuit`;

/** The ids a request carries, read from headers first (what went over the wire), then attributes. */
interface RequestIds {
  requestId: string | undefined;
  sessionId: string | undefined;
  tenantId: string | undefined;
  userId: string | undefined;
  correlationIds: string[];
}

function requestIds(
  cid: string,
  blocks: readonly RawHeaders[],
  attributes: Record<string, unknown> | null | undefined,
  mapping: FieldMapping,
): RequestIds {
  const fields = attributes ? indexFields(attributes) : undefined;
  const fromAttributes = (paths: readonly string[]) =>
    fields ? idOrUndefined(firstValue(fields, paths)) : undefined;
  const headerValues = blocks.flatMap((b) => [
    ...b.get('x-correlationid'),
    ...b.get('x-correlation-id'),
  ]);
  const attributeCorrelation = fromAttributes(mapping.correlationHeader);
  return {
    requestId: firstHeader(blocks, 'x-request-id') ?? fromAttributes(mapping.requestId),
    sessionId: firstHeader(blocks, 'x-application-id') ?? fromAttributes(mapping.sessionId),
    tenantId: firstHeader(blocks, 'x-tenant-id') ?? fromAttributes(mapping.tenantId),
    userId: fromAttributes(mapping.userId),
    correlationIds: correlationIdsIn([
      `Id-${cid}`,
      ...headerValues,
      ...(attributeCorrelation ? [attributeCorrelation] : []),
    ]),
  };
}

function gatewayService(processInfo: ProcessInfo | undefined): Draft<TraceEvent['service']> {
  return { name: AXWAY_SERVICE_NAME, type: 'gateway', node: { name: processInfo?.serviceName } };
}

function legOutcome(finalStatus: string | null | undefined, httpStatus: number | null | undefined) {
  if (finalStatus === 'Pass') return 'success' as const;
  if (finalStatus === 'Fail' || finalStatus === 'Error') return 'failure' as const;
  return outcomeFromHttpStatus(httpStatus);
}

export function transactionOutcome(status: string | null | undefined) {
  if (status === 'success') return 'success' as const;
  if (status === 'failure' || status === 'exception') return 'failure' as const;
  return 'unknown' as const;
}

/** The fields of one leg, whichever log it came from. */
interface LegFacts {
  cid: string;
  leg: number;
  startMs: number;
  rawTimestamp: string;
  durationMs: number;
  uri: string | null | undefined;
  method: string | null | undefined;
  status: number | null | undefined;
  finalStatus: string | null | undefined;
  bytesSent: number | null | undefined;
  bytesReceived: number | null | undefined;
  remoteAddr: string | null | undefined;
  remotePort: string | number | null | undefined;
  apiName: string | null | undefined;
  operation: string | null | undefined;
  authSubjectId: string | null | undefined;
  recvHeader: string | null | undefined;
  sentHeader: string | null | undefined;
  processInfo: ProcessInfo | undefined;
  attributes: Record<string, unknown> | null | undefined;
}

function legEvent(facts: LegFacts, ctx: NormaliseContext): TraceEvent {
  const inbound = facts.leg === 0;
  const recv = parseRawHeaders(facts.recvHeader);
  const sent = parseRawHeaders(facts.sentHeader);
  // Leg 0: the gateway received the client's request and sent the response. Legs >= 1: the
  // gateway sent the request to the backend and received its response.
  const [request, response] = inbound ? [recv, sent] : [sent, recv];
  const requestBlock = inbound ? facts.recvHeader : facts.sentHeader;
  const responseBlock = inbound ? facts.sentHeader : facts.recvHeader;
  const ids = requestIds(facts.cid, [request, response], facts.attributes, ctx.mapping);
  const flags = new FlagSet();

  const target = facts.uri ? splitTarget(facts.uri, redactQuery) : undefined;
  const original = facts.uri ? redactUrl(facts.uri) : undefined;
  const requestHeaders = requestBlock ? redactHeaderBlock(requestBlock) : undefined;
  const responseHeaders = responseBlock ? redactHeaderBlock(responseBlock) : undefined;
  flags.add(
    'redacted_secret',
    Boolean(target?.redacted || requestHeaders?.redacted || responseHeaders?.redacted),
  );
  flags.add('missing_request_id', ids.requestId === undefined);

  const authSubject =
    facts.authSubjectId && facts.authSubjectId !== 'Pass Through' ? facts.authSubjectId : undefined;
  const peerPort = portOrUndefined(facts.remotePort);
  const outcome = legOutcome(facts.finalStatus, facts.status);
  return finishEvent({
    '@timestamp': iso(facts.startMs),
    event: {
      id: legEventId(facts.cid, facts.leg),
      dataset: 'axway.leg',
      kind: 'event',
      category: ['web'],
      type: outcome === 'failure' ? ['access', 'error'] : ['access'],
      outcome,
      start: iso(facts.startMs),
      end: iso(facts.startMs + facts.durationMs),
      duration: Math.round(facts.durationMs * 1_000_000),
      sequence: facts.leg,
      ingested: iso(ctx.nowMs),
    },
    http: {
      request: {
        id: ids.requestId,
        method: facts.method ?? undefined,
        bytes: (inbound ? facts.bytesReceived : facts.bytesSent) ?? undefined,
      },
      response: {
        status_code:
          typeof facts.status === 'number' && facts.status >= 100 && facts.status <= 999
            ? facts.status
            : undefined,
        bytes: (inbound ? facts.bytesSent : facts.bytesReceived) ?? undefined,
      },
    },
    url: { path: target?.path, query: target?.query, original: original?.value },
    transaction: { id: facts.cid },
    span: { id: `${facts.cid}-${facts.leg}` },
    service: gatewayService(facts.processInfo),
    client: inbound ? { ip: ipOrUndefined(facts.remoteAddr), port: peerPort } : undefined,
    destination: inbound ? undefined : { address: facts.remoteAddr ?? undefined, port: peerPort },
    network: {
      direction: inbound ? 'inbound' : 'outbound',
      forwarded_ip: inbound ? forwardedIps(firstHeader([request], 'x-forwarded-for')) : undefined,
    },
    user: { id: ids.userId },
    user_agent: { original: firstHeader([request], 'user-agent') },
    organization: { id: ids.tenantId },
    observer: { ...OBSERVER, hostname: facts.processInfo?.hostname },
    ariane: {
      session_id: ids.sessionId,
      client_id: authSubject,
      api_name: facts.apiName ?? undefined,
      api_operation: facts.operation ?? undefined,
      leg: facts.leg,
      gateway_status: facts.finalStatus ?? undefined,
      correlation_ids: ids.correlationIds,
      raw_timestamp: facts.rawTimestamp,
      flags: flags.toArray(),
      request_headers: requestHeaders?.value,
      response_headers: responseHeaders?.value,
      source: ctx.origin,
    },
  });
}

export function normaliseLegLine(line: LegLine, ctx: NormaliseContext): IndexableEvent[] {
  const leg = line.transactionElement;
  const http = leg.protocolInfo.http;
  const doc = legEvent(
    {
      cid: line.correlationId,
      leg: leg.leg,
      startMs: line.timestamp,
      rawTimestamp: String(line.timestamp),
      durationMs: leg.duration,
      uri: http?.uri,
      method: http?.method,
      status: http?.status,
      finalStatus: leg.finalStatus,
      bytesSent: http?.bytesSent,
      bytesReceived: http?.bytesReceived,
      remoteAddr: http?.remoteAddr,
      remotePort: http?.remotePort,
      apiName: leg.serviceName,
      operation: leg.operation,
      authSubjectId: http?.authSubjectId,
      recvHeader: leg.protocolInfo.recvHeader,
      sentHeader: leg.protocolInfo.sentHeader,
      processInfo: line.processInfo,
      attributes: undefined,
    },
    ctx,
  );
  return [{ doc, precedence: 'preferred' }];
}

interface SummaryFacts {
  cid: string;
  startMs: number;
  rawTimestamp: string;
  durationMs: number | null | undefined;
  path: string | null | undefined;
  status: string | null | undefined;
  serviceContexts: readonly ServiceContext[] | null | undefined;
  processInfo: ProcessInfo | undefined;
  attributes: Record<string, unknown> | null | undefined;
}

function summaryEvent(facts: SummaryFacts, ctx: NormaliseContext): TraceEvent {
  const context = facts.serviceContexts?.[0];
  const ids = requestIds(facts.cid, [], facts.attributes, ctx.mapping);
  const target = facts.path ? splitTarget(facts.path, redactQuery) : undefined;
  const outcome = transactionOutcome(facts.status);
  const flags = new FlagSet().add('redacted_secret', Boolean(target?.redacted));
  return finishEvent({
    '@timestamp': iso(facts.startMs),
    event: {
      id: summaryEventId(facts.cid),
      dataset: 'axway.summary',
      kind: 'event',
      category: ['web'],
      type: outcome === 'failure' ? ['access', 'error'] : ['access'],
      outcome,
      start: iso(facts.startMs),
      end: typeof facts.durationMs === 'number' ? iso(facts.startMs + facts.durationMs) : undefined,
      duration:
        typeof facts.durationMs === 'number' ? Math.round(facts.durationMs * 1_000_000) : undefined,
      ingested: iso(ctx.nowMs),
    },
    http: { request: { id: ids.requestId } },
    url: { path: target?.path, query: target?.query },
    transaction: { id: facts.cid },
    service: gatewayService(facts.processInfo),
    user: { id: ids.userId },
    organization: { id: ids.tenantId },
    observer: { ...OBSERVER, hostname: facts.processInfo?.hostname },
    ariane: {
      session_id: ids.sessionId,
      client_id: context?.client ?? undefined,
      app_name: context?.app ?? undefined,
      app_org: context?.org ?? undefined,
      api_name: context?.service ?? undefined,
      api_operation: context?.method ?? undefined,
      gateway_status: facts.status ?? undefined,
      correlation_ids: ids.correlationIds,
      raw_timestamp: facts.rawTimestamp,
      flags: flags.toArray(),
      source: ctx.origin,
    },
  });
}

export function normaliseSummaryLine(line: SummaryLine, ctx: NormaliseContext): IndexableEvent[] {
  const summary = line.transactionSummary;
  const doc = summaryEvent(
    {
      cid: line.correlationId,
      startMs: line.timestamp,
      rawTimestamp: String(line.timestamp),
      durationMs: undefined,
      path: summary.path,
      status: summary.status,
      serviceContexts: summary.serviceContexts,
      processInfo: line.processInfo,
      attributes: undefined,
    },
    ctx,
  );
  // The event-log summary carries duration and exported attributes: it wins when both exist.
  return [{ doc, precedence: 'fallback' }];
}

export function normaliseCircuitPathLine(
  line: CircuitPathLine,
  ctx: NormaliseContext,
): IndexableEvent[] {
  const { value: circuitPath, redacted } = redactFilterMessages(line.circuitPath);
  const doc = finishEvent({
    '@timestamp': iso(line.timestamp),
    event: {
      id: circuitEventId(line.correlationId),
      dataset: 'axway.circuit_path',
      kind: 'event',
      category: ['web'],
      type: ['info'],
      outcome: 'unknown',
      ingested: iso(ctx.nowMs),
    },
    transaction: { id: line.correlationId },
    service: gatewayService(line.processInfo),
    observer: { ...OBSERVER, hostname: line.processInfo.hostname },
    ariane: {
      correlation_ids: [line.correlationId],
      raw_timestamp: String(line.timestamp),
      flags: new FlagSet().add('redacted_secret', redacted).toArray(),
      circuit_path: circuitPath,
      source: ctx.origin,
    },
  });
  return [{ doc, precedence: 'preferred' }];
}

/** Filter messages are free text written by policies; they can echo a token. */
function redactFilterMessages(node: unknown): { value: unknown; redacted: boolean } {
  if (Array.isArray(node)) {
    let redacted = false;
    const value = node.map((child) => {
      const result = redactFilterMessages(child);
      redacted ||= result.redacted;
      return result.value;
    });
    return { value, redacted };
  }
  if (node === null || typeof node !== 'object') return { value: node, redacted: false };
  let redacted = false;
  const value: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    if (key === 'filterMessage' && typeof child === 'string') {
      const result = redactText(child);
      redacted ||= result.redacted;
      value[key] = result.value;
    } else {
      const result = redactFilterMessages(child);
      redacted ||= result.redacted;
      value[key] = result.value;
    }
  }
  return { value, redacted };
}

/**
 * A transaction event-log line: one leg document per leg and one summary. The event log has no
 * raw headers, so its legs are a `fallback`: an open-traffic leg for the same id (which has the
 * headers) always wins, and this one only fills in when open traffic is not shipped.
 */
export function normaliseEventLogTransaction(
  line: EventLogTransaction,
  ctx: NormaliseContext,
): IndexableEvent[] {
  const legs = line.legs.map((leg: EventLogLeg): IndexableEvent => ({
    precedence: 'fallback',
    doc: legEvent(
      {
        cid: line.correlationId,
        leg: leg.leg,
        startMs: leg.timestamp,
        rawTimestamp: String(leg.timestamp),
        durationMs: leg.duration,
        uri: leg.uri,
        method: leg.method,
        status: leg.status,
        finalStatus: leg.finalStatus,
        bytesSent: leg.bytesSent,
        bytesReceived: leg.bytesReceived,
        remoteAddr: leg.remoteAddr,
        remotePort: leg.remotePort,
        apiName: leg.serviceName,
        operation: leg.operation,
        authSubjectId: leg.subject,
        recvHeader: undefined,
        sentHeader: undefined,
        processInfo: undefined,
        attributes: line.customMsgAtts,
      },
      ctx,
    ),
  }));
  const summary = summaryEvent(
    {
      cid: line.correlationId,
      startMs: line.time,
      rawTimestamp: String(line.time),
      durationMs: line.duration,
      path: line.path,
      status: line.status,
      serviceContexts: line.serviceContexts,
      processInfo: undefined,
      attributes: line.customMsgAtts,
    },
    ctx,
  );
  return [...legs, { doc: summary, precedence: 'preferred' }];
}
