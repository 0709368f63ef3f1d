import { correlationIdsIn } from '../../pipeline/correlation-header.js';
import { finishEvent } from '../../pipeline/event-draft.js';
import { applyTimePolicy, parseSourceTimestamp } from '../../pipeline/event-time.js';
import {
  contentId,
  FlagSet,
  idOrUndefined,
  ipOrUndefined,
  iso,
  outcomeFromHttpStatus,
  splitTarget,
  textOrUndefined as text,
} from '../../pipeline/field-values.js';
import type { LineContext } from '../../pipeline/normalise-context.js';
import { reject, type Normalised } from '../../pipeline/normalised.js';
import { redactQuery, redactText, redactUrl } from '../../pipeline/redact.js';
import {
  parseTraceParent,
  spanIdOrUndefined,
  traceIdOrUndefined,
} from '../../pipeline/trace-context.js';
import { MAX_DURATION_MS } from '../common-fields.js';
import { firstValue, indexFields, type FieldConcept } from '../field-mapping.js';
import type { InputFormat } from '../input-format.js';
import type { ServiceLog } from './schema.js';
import { NO_SERVICE_NAME_RULES, serviceNameFor, UNKNOWN_SERVICE } from './service-identity.js';

/** Any JSON object on the services topic. */
export const serviceLog: InputFormat = {
  name: 'service-log',
  topic: 'services',
  claims: () => true,
  // The schema asks for a JSON object and nothing more, which every line already is (the
  // unwrapper emits objects only): parsing would copy each line's fields for no check.
  normalise: (line: ServiceLog, ctx) => normaliseServiceLog(line, ctx),
};

/** pino's numeric levels. */
const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const FAILURE_LEVELS = new Set(['error', 'fatal', 'critical', 'alert', 'emergency', 'severe']);

function levelName(value: unknown): string | undefined {
  if (typeof value === 'number') return PINO_LEVELS[value] ?? String(value);
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;
}

/**
 * One service log line → one `service.log` event. The `_id` is a hash of the line and where it
 * was read (`LineContext.identity`), so a replay or a shipper's resend finds the same document;
 * two identical lines written twice by a service are one document (they are indistinguishable
 * anyway). Only a timestamp is required, and the shipper's stands in for a line without one.
 */
function normaliseServiceLog(record: ServiceLog, ctx: LineContext): Normalised {
  const fields = indexFields(record);
  const get = (concept: FieldConcept) => firstValue(fields, ctx.mapping[concept]);
  const flags = new FlagSet();
  const rawTime = get('timestamp');
  let timeMs: number | undefined;
  if (rawTime !== undefined) {
    timeMs = parseSourceTimestamp(rawTime);
    if (timeMs === undefined)
      return reject('invalid_timestamp', [
        { path: 'timestamp', message: 'expected an ISO 8601 date or epoch seconds to nanoseconds' },
      ]);
  } else if (ctx.facts.shippedAtMs !== undefined) {
    timeMs = ctx.facts.shippedAtMs;
    flags.add('time_from_shipper');
  } else
    return reject('missing_field', [
      { path: 'timestamp', message: `none of ${ctx.mapping.timestamp.join(', ')} is set` },
    ]);
  const service = serviceNameFor(
    text(get('service')),
    ctx.facts,
    ctx.origin.topic,
    ctx.serviceNames ?? NO_SERVICE_NAME_RULES,
  );
  flags.add('unknown_service', service === undefined);

  const message = text(get('message'));
  const redactedMessage = message === undefined ? undefined : redactText(message);
  const errorMessage = text(get('errorMessage'));
  const redactedError = errorMessage === undefined ? undefined : redactText(errorMessage);
  const target = text(get('path'));
  const split = target === undefined ? undefined : splitTarget(target, redactQuery);
  const original = target === undefined ? undefined : redactUrl(target);
  flags.add(
    'redacted_secret',
    Boolean(redactedMessage?.redacted || redactedError?.redacted || split?.redacted),
  );
  const requestId = idOrUndefined(get('requestId'));
  flags.add('missing_request_id', requestId === undefined);

  const rawStatus = get('status');
  const status =
    typeof rawStatus === 'number' &&
    Number.isInteger(rawStatus) &&
    rawStatus >= 100 &&
    rawStatus <= 999
      ? rawStatus
      : undefined;
  const level = levelName(get('level'));
  const failedByLevel = level !== undefined && (FAILURE_LEVELS.has(level) || Number(level) >= 50);
  const outcome =
    status !== undefined ? outcomeFromHttpStatus(status) : failedByLevel ? 'failure' : 'unknown';
  const durationMs = get('durationMs');
  const duration =
    typeof durationMs === 'number' && durationMs >= 0 && durationMs <= MAX_DURATION_MS
      ? Math.round(durationMs * 1_000_000)
      : undefined;
  const correlationHeader = text(get('correlationHeader'));
  const correlationIds = correlationHeader ? correlationIdsIn([correlationHeader]) : [];
  const method = text(get('method'));
  const traceParent = parseTraceParent(text(get('traceparent')));
  const traceId = traceIdOrUndefined(get('traceId')) ?? traceParent?.traceId ?? ctx.facts.traceId;
  const spanId = spanIdOrUndefined(get('spanId')) ?? ctx.facts.spanId;
  // A traceparent a service logged is the header it received: its span is our parent.
  const parentId = spanIdOrUndefined(get('parentSpanId')) ?? traceParent?.spanId;

  const doc = finishEvent({
    '@timestamp': iso(timeMs),
    event: {
      id: contentId('svc', ctx.identity),
      dataset: 'service.log',
      kind: 'event',
      category: ['web'],
      type: failedByLevel ? ['error'] : ['info'],
      outcome,
      duration,
      ingested: iso(ctx.nowMs),
    },
    http: {
      request: { id: requestId, method: method?.toUpperCase() },
      response: { status_code: status },
    },
    url: { path: split?.path, query: split?.query, original: original?.value },
    trace: { id: traceId },
    span: { id: spanId },
    parent: { id: parentId },
    service: { name: service ?? UNKNOWN_SERVICE, type: 'backend' },
    client: { ip: ipOrUndefined(get('clientIp')) },
    user: { id: idOrUndefined(get('userId')) },
    user_agent: { original: text(get('userAgent')) },
    organization: { id: idOrUndefined(get('tenantId')) },
    log: { level, logger: text(get('logger')) },
    message: redactedMessage?.value,
    error: { message: redactedError?.value, type: text(get('errorType')) },
    ariane: {
      session_id: idOrUndefined(get('sessionId')),
      correlation_ids: correlationIds.length > 0 ? correlationIds : undefined,
      raw_timestamp:
        rawTime === undefined
          ? iso(timeMs)
          : typeof rawTime === 'string'
            ? rawTime
            : JSON.stringify(rawTime),
      flags: flags.toArray(),
      source: ctx.origin,
    },
  });
  return applyTimePolicy([{ doc, precedence: 'preferred' }], ctx);
}
