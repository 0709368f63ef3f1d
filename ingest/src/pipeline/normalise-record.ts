import { EventLogTransactionSchema, EVENT_LOG_SKIPPED_TYPES } from '../formats/axway-event-log.js';
import {
  CircuitPathLineSchema,
  LegLineSchema,
  openTrafficRecordKeys,
  OPEN_TRAFFIC_RECORD_KEYS,
  SummaryLineSchema,
  TraceLineSchema,
} from '../formats/axway-open-traffic.js';
import { GenericAccessLogSchema } from '../formats/generic-access-log.js';
import { ServiceLogSchema } from '../formats/service-log.js';
import { normaliseAccessLog } from './normalise-access-log.js';
import {
  normaliseCircuitPathLine,
  normaliseEventLogTransaction,
  normaliseLegLine,
  normaliseSummaryLine,
} from './normalise-axway.js';
import { normaliseServiceLog } from './normalise-service-log.js';
import {
  applyTimePolicy,
  issuesOf,
  reject,
  type Normalised,
  type NormaliseContext,
} from './normalised.js';

/** What a topic carries: `gateway` topics hold Axway lines or generic access logs, told apart by shape. */
export type TopicKind = 'gateway' | 'services';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const EVENT_LOG_SKIPPED = new Set<string>(EVENT_LOG_SKIPPED_TYPES);

/**
 * Decodes, validates and normalises one record value. Pure and total: whatever the bytes, it
 * returns events, a skip, an expiry or a rejection with a reason, and never throws.
 */
export function normaliseRecord(
  value: Buffer | null,
  kind: TopicKind,
  maxRecordBytes: number,
  ctx: NormaliseContext,
): Normalised {
  if (value === null || value.length === 0)
    return reject('invalid_json', [{ path: '(root)', message: 'empty record' }]);
  if (value.length > maxRecordBytes)
    return reject('too_large', [
      { path: '(root)', message: `record exceeds ${maxRecordBytes} bytes` },
    ]);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return reject('invalid_utf8', [{ path: '(root)', message: 'not valid UTF-8' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return reject('invalid_json', [{ path: '(root)', message: 'not valid JSON' }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return reject('not_an_object', [{ path: '(root)', message: 'expected a JSON object' }]);
  try {
    return kind === 'services'
      ? normaliseServiceLine(parsed, ctx)
      : normaliseGatewayLine(parsed as Record<string, unknown>, ctx);
  } catch {
    // Unreachable by design (the property test feeds arbitrary input); kept so one unforeseen
    // shape dead-letters a record instead of stopping a partition.
    return reject('schema_mismatch', [{ path: '(root)', message: 'could not be normalised' }]);
  }
}

function normaliseServiceLine(parsed: unknown, ctx: NormaliseContext): Normalised {
  const result = ServiceLogSchema.safeParse(parsed);
  return result.success
    ? normaliseServiceLog(result.data, ctx)
    : reject('schema_mismatch', issuesOf(result.error));
}

function normaliseGatewayLine(line: Record<string, unknown>, ctx: NormaliseContext): Normalised {
  if (
    typeof line.type === 'string' &&
    (line.type === 'transaction' || EVENT_LOG_SKIPPED.has(line.type))
  ) {
    if (line.type !== 'transaction') return { kind: 'skipped', reason: 'axway_event_log_metadata' };
    const result = EventLogTransactionSchema.safeParse(line);
    return result.success
      ? applyTimePolicy(normaliseEventLogTransaction(result.data, ctx), ctx)
      : reject('schema_mismatch', issuesOf(result.error));
  }
  const recordKeys = openTrafficRecordKeys(line);
  if (recordKeys.length > 0 || (line.correlationId !== undefined && line.processInfo !== undefined))
    return normaliseOpenTrafficLine(line, recordKeys, ctx);
  const result = GenericAccessLogSchema.safeParse(line);
  return result.success
    ? normaliseAccessLog(result.data, ctx)
    : reject('schema_mismatch', issuesOf(result.error));
}

function normaliseOpenTrafficLine(
  line: Record<string, unknown>,
  recordKeys: readonly string[],
  ctx: NormaliseContext,
): Normalised {
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
