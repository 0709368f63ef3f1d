import { canonicalCorrelationId } from '../../pipeline/correlation-header.js';
import { finishEvent } from '../../pipeline/event-draft.js';
import { applyTimePolicy } from '../../pipeline/event-time.js';
import { FlagSet, iso } from '../../pipeline/field-values.js';
import type { LineContext } from '../../pipeline/normalise-context.js';
import { issuesOf, reject, type Normalised } from '../../pipeline/normalised.js';
import { redactText } from '../../pipeline/redact.js';
import { legEvent } from '../axway-common/leg-event.js';
import { AXWAY_OBSERVER, circuitEventId, gatewayService } from '../axway-common/request-ids.js';
import { summaryEvent } from '../axway-common/summary-event.js';
import type { InputFormat } from '../input-format.js';
import {
  CircuitPathLineSchema,
  LegLineSchema,
  OPEN_TRAFFIC_RECORD_KEYS,
  openTrafficRecordKeys,
  SummaryLineSchema,
  TraceLineSchema,
  type CircuitPathLine,
  type LegLine,
  type SummaryLine,
} from './schema.js';

/**
 * Open traffic lines: one per leg (`axway:<cid>:leg:<n>`), one summary (`axway:<cid>:summary`)
 * and one policy path (`axway:<cid>:circuit`); `trace` lines are skipped and counted.
 */
export const axwayOpenTraffic: InputFormat = {
  name: 'axway-open-traffic',
  topic: 'gateway',
  claims: (line) =>
    openTrafficRecordKeys(line).length > 0 ||
    (line.correlationId !== undefined && line.processInfo !== undefined),
  normalise: normaliseOpenTrafficLine,
};

function normaliseOpenTrafficLine(line: Record<string, unknown>, ctx: LineContext): Normalised {
  const recordKeys = openTrafficRecordKeys(line);
  if (recordKeys.length !== 1)
    return reject('schema_mismatch', [
      { path: '(root)', message: `expected exactly one of ${OPEN_TRAFFIC_RECORD_KEYS.join(', ')}` },
    ]);
  switch (recordKeys[0]) {
    case 'transactionElement': {
      const result = LegLineSchema.safeParse(line);
      return result.success
        ? applyTimePolicy(normaliseLegLine(result.data, ctx), ctx)
        : reject('schema_mismatch', issuesOf(result.error));
    }
    case 'transactionSummary': {
      const result = SummaryLineSchema.safeParse(line);
      return result.success
        ? applyTimePolicy(normaliseSummaryLine(result.data, ctx), ctx)
        : reject('schema_mismatch', issuesOf(result.error));
    }
    case 'circuitPath': {
      const result = CircuitPathLineSchema.safeParse(line);
      return result.success
        ? applyTimePolicy(normaliseCircuitPathLine(result.data, ctx), ctx)
        : reject('schema_mismatch', issuesOf(result.error));
    }
    default: {
      const result = TraceLineSchema.safeParse(line);
      return result.success
        ? { kind: 'skipped', reason: 'axway_trace' }
        : reject('schema_mismatch', issuesOf(result.error));
    }
  }
}

function normaliseLegLine(line: LegLine, ctx: LineContext) {
  const leg = line.transactionElement;
  const { http, jms, fileTransfer } = leg.protocolInfo;
  const doc = legEvent(
    {
      cid: canonicalCorrelationId(line.correlationId),
      leg: leg.leg,
      protocol: http
        ? 'http'
        : jms
          ? 'jms'
          : fileTransfer
            ? (fileTransfer.serviceType ?? 'ftp')
            : undefined,
      startMs: line.timestamp,
      rawTimestamp: String(line.timestamp),
      durationMs: leg.duration,
      uri: http?.uri ?? jms?.jmsDestination,
      method: http?.method,
      status: http?.status,
      finalStatus: leg.finalStatus,
      bytesSent: http?.bytesSent ?? fileTransfer?.bytesSent,
      bytesReceived: http?.bytesReceived ?? fileTransfer?.bytesReceived,
      remoteAddr: http?.remoteAddr ?? fileTransfer?.remoteAddr,
      remotePort: http?.remotePort ?? fileTransfer?.remotePort,
      apiName: leg.serviceName,
      operation: leg.operation,
      authSubjectId: http?.authSubjectId ?? jms?.authSubjectId ?? fileTransfer?.authSubjectId,
      recvHeader: leg.protocolInfo.recvHeader,
      sentHeader: leg.protocolInfo.sentHeader,
      processInfo: line.processInfo,
      attributes: undefined,
    },
    ctx,
  );
  return [{ doc, precedence: 'preferred' as const }];
}

function normaliseSummaryLine(line: SummaryLine, ctx: LineContext) {
  const summary = line.transactionSummary;
  const doc = summaryEvent(
    {
      cid: canonicalCorrelationId(line.correlationId),
      protocol: summary.protocol,
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
  return [{ doc, precedence: 'fallback' as const }];
}

function normaliseCircuitPathLine(line: CircuitPathLine, ctx: LineContext) {
  const cid = canonicalCorrelationId(line.correlationId);
  const { value: circuitPath, redacted } = redactFilterMessages(line.circuitPath);
  const doc = finishEvent({
    '@timestamp': iso(line.timestamp),
    event: {
      id: circuitEventId(cid),
      dataset: 'axway.circuit_path',
      kind: 'event',
      category: ['web'],
      type: ['info'],
      outcome: 'unknown',
      ingested: iso(ctx.nowMs),
    },
    transaction: { id: cid },
    service: gatewayService(line.processInfo),
    observer: { ...AXWAY_OBSERVER, hostname: line.processInfo.hostname },
    ariane: {
      correlation_ids: [cid],
      raw_timestamp: String(line.timestamp),
      flags: new FlagSet().add('redacted_secret', redacted).toArray(),
      circuit_path: circuitPath,
      gateway_group: line.processInfo.groupId,
      gateway_instance: line.processInfo.serviceId,
      source: ctx.origin,
    },
  });
  return [{ doc, precedence: 'preferred' as const }];
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
    const result =
      key === 'filterMessage' && typeof child === 'string'
        ? redactText(child)
        : redactFilterMessages(child);
    redacted ||= result.redacted;
    value[key] = result.value;
  }
  return { value, redacted };
}
