import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import { finishEvent } from '../../pipeline/event-draft.js';
import { FlagSet, iso, splitTarget } from '../../pipeline/field-values.js';
import type { LineContext } from '../../pipeline/normalise-context.js';
import { redactQuery } from '../../pipeline/redact.js';
import {
  AXWAY_OBSERVER,
  gatewayService,
  outcomeOfStatus,
  requestIds,
  summaryEventId,
} from './request-ids.js';
import type { ProcessInfo, ServiceContext } from './schema.js';

/** The fields of a transaction summary, whichever log it came from. */
export interface SummaryFacts {
  cid: string;
  protocol: string | null | undefined;
  startMs: number;
  rawTimestamp: string;
  durationMs: number | null | undefined;
  path: string | null | undefined;
  status: string | null | undefined;
  serviceContexts: readonly ServiceContext[] | null | undefined;
  processInfo: ProcessInfo | undefined;
  attributes: Record<string, unknown> | null | undefined;
}

export function summaryEvent(facts: SummaryFacts, ctx: LineContext): TraceEvent {
  const context = facts.serviceContexts?.[0];
  const ids = requestIds(facts.cid, [], facts.attributes, ctx.mapping);
  const target = facts.path ? splitTarget(facts.path, redactQuery) : undefined;
  const outcome = outcomeOfStatus(facts.status);
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
    network: { protocol: facts.protocol ?? undefined },
    user: { id: ids.userId },
    organization: { id: ids.tenantId },
    observer: { ...AXWAY_OBSERVER, hostname: facts.processInfo?.hostname },
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
      gateway_group: facts.processInfo?.groupId,
      gateway_instance: facts.processInfo?.serviceId,
      source: ctx.origin,
    },
  });
}
