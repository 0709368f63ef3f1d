import { MAX_DURATION_MS } from '../formats/axway-open-traffic.js';
import type { ServiceLog } from '../formats/service-log.js';
import { firstValue, indexFields, type FieldConcept } from '../formats/field-mapping.js';
import { correlationIdsIn } from './correlation-header.js';
import { parseSourceTimestamp } from './event-time.js';
import {
  applyTimePolicy,
  contentId,
  finishEvent,
  FlagSet,
  idOrUndefined,
  ipOrUndefined,
  iso,
  outcomeFromHttpStatus,
  reject,
  splitTarget,
  type Normalised,
  type NormaliseContext,
} from './normalised.js';
import { redactQuery, redactText, redactUrl } from './redact.js';

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

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * One service log line → one `service.log` event. The `_id` is a hash of the record bytes, so a
 * replay overwrites the same document; two identical lines written twice by a service are one
 * document (they are indistinguishable anyway).
 */
export function normaliseServiceLog(record: ServiceLog, ctx: NormaliseContext): Normalised {
  const fields = indexFields(record);
  const get = (concept: FieldConcept) => firstValue(fields, ctx.mapping[concept]);
  const rawTime = get('timestamp');
  if (rawTime === undefined)
    return reject('missing_field', [
      { path: 'timestamp', message: `none of ${ctx.mapping.timestamp.join(', ')} is set` },
    ]);
  const timeMs = parseSourceTimestamp(rawTime);
  if (timeMs === undefined)
    return reject('invalid_timestamp', [
      { path: 'timestamp', message: 'expected epoch milliseconds or an ISO 8601 date with offset' },
    ]);
  const service = text(get('service'));
  if (service === undefined)
    return reject('missing_field', [
      { path: 'service', message: `none of ${ctx.mapping.service.join(', ')} is a string` },
    ]);

  const flags = new FlagSet();
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

  const doc = finishEvent({
    '@timestamp': iso(timeMs),
    event: {
      id: contentId('svc', ctx.raw),
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
    service: { name: service, type: 'backend' },
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
      raw_timestamp: typeof rawTime === 'string' ? rawTime : JSON.stringify(rawTime),
      flags: flags.toArray(),
      source: ctx.origin,
    },
  });
  return applyTimePolicy([{ doc, precedence: 'preferred' }], ctx);
}
