import { correlationIdsIn } from '../../pipeline/correlation-header.js';
import { finishEvent } from '../../pipeline/event-draft.js';
import { applyTimePolicy, parseSourceTimestamp } from '../../pipeline/event-time.js';
import {
  contentId,
  FlagSet,
  forwardedIps,
  ipOrUndefined,
  iso,
  outcomeFromHttpStatus,
} from '../../pipeline/field-values.js';
import type { LineContext } from '../../pipeline/normalise-context.js';
import { issuesOf, reject, type Normalised } from '../../pipeline/normalised.js';
import { redactQuery, redactUrl } from '../../pipeline/redact.js';
import type { InputFormat } from '../input-format.js';
import { GenericAccessLogSchema, type GenericAccessLog } from './schema.js';

/** Any other gateway line: the gateway topic's last resort, so its issues explain a reject. */
export const genericAccessLog: InputFormat = {
  name: 'generic-access-log',
  topic: 'gateway',
  claims: () => true,
  normalise(line, ctx) {
    const result = GenericAccessLogSchema.safeParse(line);
    return result.success
      ? normaliseAccessLog(result.data, ctx)
      : reject('schema_mismatch', issuesOf(result.error));
  },
};

/** One generic access-log line → one `gateway.access` event, `_id` from the record bytes. */
function normaliseAccessLog(line: GenericAccessLog, ctx: LineContext): Normalised {
  const startMs = parseSourceTimestamp(line.timestamp);
  if (startMs === undefined)
    return reject('invalid_timestamp', [{ path: 'timestamp', message: 'not a plausible date' }]);
  const path = redactUrl(line.path);
  const query = line.query === undefined ? undefined : redactQuery(line.query);
  const outcome = outcomeFromHttpStatus(line.status);
  const correlationIds = line.correlation_id ? correlationIdsIn([line.correlation_id]) : [];
  const flags = new FlagSet()
    .add('redacted_secret', path.redacted || Boolean(query?.redacted))
    .add('missing_request_id', line.request_id === undefined);
  const doc = finishEvent({
    '@timestamp': iso(startMs),
    event: {
      id: contentId('access', ctx.identity),
      dataset: 'gateway.access',
      kind: 'event',
      category: ['web'],
      type: outcome === 'failure' ? ['access', 'error'] : ['access'],
      outcome,
      start: iso(startMs),
      end: line.duration_ms === undefined ? undefined : iso(startMs + line.duration_ms),
      duration:
        line.duration_ms === undefined ? undefined : Math.round(line.duration_ms * 1_000_000),
      ingested: iso(ctx.nowMs),
    },
    http: {
      request: { id: line.request_id, method: line.method, bytes: line.bytes_received },
      response: { status_code: line.status, bytes: line.bytes_sent },
    },
    url: {
      path: path.value.split('?')[0],
      query: query?.value,
      original: query ? `${path.value}?${query.value}` : path.value,
    },
    service: { name: line.gateway ?? 'gateway', type: 'gateway' },
    client: { ip: ipOrUndefined(line.client_ip) },
    destination: { address: line.upstream_service },
    network: { direction: 'inbound', forwarded_ip: forwardedIps(line.forwarded_for) },
    user: { id: line.user_id },
    user_agent: { original: line.user_agent },
    organization: { id: line.tenant_id === undefined ? undefined : String(line.tenant_id) },
    ariane: {
      session_id: line.application_id,
      client_id: line.client_id,
      api_name: line.service,
      correlation_ids: correlationIds.length > 0 ? correlationIds : undefined,
      raw_timestamp: String(line.timestamp),
      flags: flags.toArray(),
      source: ctx.origin,
    },
  });
  return applyTimePolicy([{ doc, precedence: 'preferred' }], ctx);
}
