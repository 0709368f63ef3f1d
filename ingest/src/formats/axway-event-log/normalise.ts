import { canonicalCorrelationId } from '../../pipeline/correlation-header.js';
import { applyTimePolicy } from '../../pipeline/event-time.js';
import type { LineContext } from '../../pipeline/normalise-context.js';
import {
  issuesOf,
  reject,
  type IndexableEvent,
  type Normalised,
} from '../../pipeline/normalised.js';
import { legEvent } from '../axway-common/leg-event.js';
import { summaryEvent } from '../axway-common/summary-event.js';
import type { InputFormat } from '../input-format.js';
import {
  EVENT_LOG_SKIPPED_TYPES,
  EventLogTransactionSchema,
  type EventLogLeg,
  type EventLogTransaction,
} from './schema.js';

const EVENT_LOG_SKIPPED = new Set<string>(EVENT_LOG_SKIPPED_TYPES);

/** Transaction event-log lines; `header`/`system`/`alert`/`custom` lines are skipped and counted. */
export const axwayEventLog: InputFormat = {
  name: 'axway-event-log',
  topic: 'gateway',
  claims: (line) =>
    typeof line.type === 'string' &&
    (line.type === 'transaction' || EVENT_LOG_SKIPPED.has(line.type)),
  normalise(line, ctx): Normalised {
    if (line.type !== 'transaction') return { kind: 'skipped', reason: 'axway_event_log_metadata' };
    const result = EventLogTransactionSchema.safeParse(line);
    return result.success
      ? applyTimePolicy(normaliseEventLogTransaction(result.data, ctx), ctx)
      : reject('schema_mismatch', issuesOf(result.error));
  },
};

/**
 * A transaction event-log line: one leg document per leg and one summary. The event log has no
 * raw headers, so its legs are a `fallback`: an open-traffic leg for the same id (which has the
 * headers) always wins, and this one only fills in when open traffic is not shipped.
 */
function normaliseEventLogTransaction(
  line: EventLogTransaction,
  ctx: LineContext,
): IndexableEvent[] {
  const cid = canonicalCorrelationId(line.correlationId);
  const legs = line.legs.map((leg: EventLogLeg): IndexableEvent => ({
    precedence: 'fallback',
    doc: legEvent(
      {
        cid,
        leg: leg.leg,
        protocol: leg.type ?? undefined,
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
      cid,
      protocol: line.protocol,
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
