import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import { finishEvent } from '../../pipeline/event-draft.js';
import {
  FlagSet,
  forwardedIps,
  ipOrUndefined,
  iso,
  outcomeFromHttpStatus,
  portOrUndefined,
  splitTarget,
} from '../../pipeline/field-values.js';
import type { LineContext } from '../../pipeline/normalise-context.js';
import { firstHeader, parseRawHeaders } from '../../pipeline/raw-headers.js';
import { redactHeaderBlock, redactQuery, redactUrl } from '../../pipeline/redact.js';
import { parseTraceParent } from '../../pipeline/trace-context.js';
import {
  AXWAY_OBSERVER,
  gatewayService,
  legEventId,
  outcomeOfStatus,
  requestIds,
} from './request-ids.js';
import type { ProcessInfo } from './schema.js';

/** The fields of one leg, whichever log it came from. */
export interface LegFacts {
  cid: string;
  leg: number;
  /** http, jms, ftp...: what the gateway spoke on this leg. */
  protocol: string | undefined;
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

/** The gateway's own verdict first; without one, the HTTP status decides. */
function legOutcome(finalStatus: string | null | undefined, httpStatus: number | null | undefined) {
  const verdict = outcomeOfStatus(finalStatus);
  return verdict === 'unknown' ? outcomeFromHttpStatus(httpStatus) : verdict;
}

export function legEvent(facts: LegFacts, ctx: LineContext): TraceEvent {
  const inbound = facts.leg === 0;
  const recv = parseRawHeaders(facts.recvHeader);
  const sent = parseRawHeaders(facts.sentHeader);
  // Leg 0: the gateway received the client's request and sent the response. Legs >= 1: the
  // gateway sent the request to the backend and received its response. Non-HTTP legs (JMS) may
  // hold other text in these blocks; parsing finds no header in it.
  const [request, response] = inbound ? [recv, sent] : [sent, recv];
  const requestBlock = inbound ? facts.recvHeader : facts.sentHeader;
  const responseBlock = inbound ? facts.sentHeader : facts.recvHeader;
  const ids = requestIds(facts.cid, [request, response], facts.attributes, ctx.mapping);
  const flags = new FlagSet();
  // Leg 0's traceparent is the client's span (our parent); a leg >= 1 sends the gateway's own
  // outbound span, which the backend's logs name as their parent.
  const traceParent = parseTraceParent(firstHeader([request], 'traceparent'));

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
    trace: { id: traceParent?.traceId },
    span: { id: !inbound && traceParent ? traceParent.spanId : `${facts.cid}-${facts.leg}` },
    parent: { id: inbound ? traceParent?.spanId : undefined },
    service: gatewayService(facts.processInfo),
    client: inbound ? { ip: ipOrUndefined(facts.remoteAddr), port: peerPort } : undefined,
    destination: inbound ? undefined : { address: facts.remoteAddr ?? undefined, port: peerPort },
    network: {
      direction: inbound ? 'inbound' : 'outbound',
      protocol: facts.protocol,
      forwarded_ip: inbound ? forwardedIps(firstHeader([request], 'x-forwarded-for')) : undefined,
    },
    user: { id: ids.userId },
    user_agent: { original: firstHeader([request], 'user-agent') },
    organization: { id: ids.tenantId },
    observer: { ...AXWAY_OBSERVER, hostname: facts.processInfo?.hostname },
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
      gateway_group: facts.processInfo?.groupId,
      gateway_instance: facts.processInfo?.serviceId,
      source: ctx.origin,
    },
  });
}
