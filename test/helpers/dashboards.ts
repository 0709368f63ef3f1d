import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from '../../core/src/es/index-names.js';
import { TraceEventSchema, type TraceEvent } from '../../core/src/schemas/trace-event.js';

/**
 * A small day of traffic for the dashboard panels: five requests (four Axway leg-0 documents and
 * one generic access-log line), their backend legs and service logs, over two UTC hours. The
 * expected figures in test/integration/dashboards are computed by hand from this table.
 */

const MS = 1_000_000;

export interface EventSpec {
  readonly at: string;
  readonly dataset: TraceEvent['event']['dataset'];
  readonly requestId: string;
  readonly service: string;
  readonly serviceType: 'gateway' | 'backend';
  readonly leg?: number;
  readonly status?: number;
  readonly durationMs?: number;
  readonly tenant?: string;
  readonly client?: string;
  readonly method?: string;
  readonly path?: string;
  readonly sessionId?: string;
  readonly outcome?: TraceEvent['event']['outcome'];
  readonly errorCode?: string;
  readonly flags?: NonNullable<TraceEvent['ariane']['flags']>;
}

let sequence = 0;

/** A schema-valid TraceEvent from the few facts a test cares about. */
export function traceEvent(spec: EventSpec): TraceEvent {
  sequence += 1;
  const start = new Date(spec.at);
  const end =
    spec.durationMs !== undefined ? new Date(start.getTime() + spec.durationMs) : undefined;
  return TraceEventSchema.parse({
    '@timestamp': spec.at,
    event: {
      id: `fixture-${spec.requestId}-${spec.dataset}-${spec.leg ?? 's'}-${sequence}`,
      dataset: spec.dataset,
      kind: 'event',
      category: ['web'],
      type: ['access'],
      outcome: spec.outcome ?? ((spec.status ?? 200) >= 400 ? 'failure' : 'success'),
      start: spec.at,
      ...(end && { end: end.toISOString() }),
      ...(spec.durationMs !== undefined && { duration: spec.durationMs * MS }),
      ...(spec.leg !== undefined && { sequence: spec.leg }),
      ingested: spec.at,
    },
    http: {
      request: { id: spec.requestId, ...(spec.method && { method: spec.method }) },
      ...(spec.status !== undefined && { response: { status_code: spec.status } }),
    },
    ...(spec.path && { url: { path: spec.path } }),
    service: { name: spec.service, type: spec.serviceType },
    ...(spec.tenant && { organization: { id: spec.tenant } }),
    ...(spec.errorCode && { error: { code: spec.errorCode, message: 'failed' } }),
    ariane: {
      raw_timestamp: spec.at,
      source: { topic: 'fixture', partition: 0, offset: String(sequence) },
      ...(spec.leg !== undefined && { leg: spec.leg }),
      ...(spec.client && { client_id: spec.client }),
      ...(spec.sessionId && { session_id: spec.sessionId }),
      ...(spec.flags && { flags: spec.flags }),
    },
  });
}

const gw = { service: 'piste-gateway', serviceType: 'gateway' } as const;
const leg0 = { ...gw, dataset: 'axway.leg', leg: 0 } as const;
const leg1 = { ...gw, dataset: 'axway.leg', leg: 1 } as const;
const units = { service: 'units-svc', serviceType: 'backend', dataset: 'service.log' } as const;

export const DASHBOARD_FIXTURES: readonly TraceEvent[] = [
  // r1: 10:05, tenant-a, client c1, 200 in 100 ms, 60 ms of it in the backend.
  {
    ...leg0,
    at: '2025-03-10T10:05:00.000Z',
    requestId: 'r1',
    status: 200,
    durationMs: 100,
    tenant: 'tenant-a',
    client: 'c1',
    method: 'GET',
    path: '/v1/units',
  },
  {
    ...leg1,
    at: '2025-03-10T10:05:00.020Z',
    requestId: 'r1',
    status: 200,
    durationMs: 60,
    tenant: 'tenant-a',
  },
  { ...units, at: '2025-03-10T10:05:00.030Z', requestId: 'r1', tenant: 'tenant-a' },
  // r2: 10:20, 200 in 200 ms, 150 ms in the backend, whose log line is flagged.
  {
    ...leg0,
    at: '2025-03-10T10:20:00.000Z',
    requestId: 'r2',
    status: 200,
    durationMs: 200,
    tenant: 'tenant-a',
    client: 'c1',
    method: 'GET',
    path: '/v1/units',
  },
  {
    ...leg1,
    at: '2025-03-10T10:20:00.020Z',
    requestId: 'r2',
    status: 200,
    durationMs: 150,
    tenant: 'tenant-a',
  },
  {
    ...units,
    at: '2025-03-10T10:20:00.030Z',
    requestId: 'r2',
    tenant: 'tenant-a',
    flags: ['future_timestamp'],
  },
  // r3: 10:40, tenant-b, quota rejection by the gateway: no backend leg.
  {
    ...leg0,
    at: '2025-03-10T10:40:00.000Z',
    requestId: 'r3',
    status: 429,
    durationMs: 10,
    tenant: 'tenant-b',
    client: 'c2',
    method: 'POST',
    path: '/v1/objects',
  },
  // r4: 11:10, 503 in 300 ms, 250 ms in a failing backend that logged an error code.
  {
    ...leg0,
    at: '2025-03-10T11:10:00.000Z',
    requestId: 'r4',
    status: 503,
    durationMs: 300,
    tenant: 'tenant-a',
    client: 'c2',
    method: 'GET',
    path: '/v1/units',
  },
  {
    ...leg1,
    at: '2025-03-10T11:10:00.020Z',
    requestId: 'r4',
    status: 503,
    durationMs: 250,
    tenant: 'tenant-a',
  },
  {
    ...units,
    at: '2025-03-10T11:10:00.030Z',
    requestId: 'r4',
    tenant: 'tenant-a',
    outcome: 'failure',
    errorCode: 'E_DB',
  },
  // r5: 11:30, a generic access-log line: 404 in 50 ms.
  {
    ...gw,
    dataset: 'gateway.access',
    at: '2025-03-10T11:30:00.000Z',
    requestId: 'r5',
    status: 404,
    durationMs: 50,
    tenant: 'tenant-b',
    client: 'c1',
    method: 'GET',
    path: '/v1/objects',
  },
].map((spec) => traceEvent(spec as EventSpec));

/** Bulk-indexes events into their daily indices by `event.id`, refreshed, and fails on any error. */
export async function indexEvents(
  es: Client,
  names: IndexNames,
  events: readonly TraceEvent[],
): Promise<void> {
  const operations = events.flatMap((event) => [
    { index: { _index: names.eventsIndexFor(new Date(event['@timestamp'])), _id: event.event.id } },
    event,
  ]);
  const result = await es.bulk({ operations, refresh: true });
  if (result.errors)
    throw new Error(`bulk failed: ${JSON.stringify(result.items.find((i) => i.index?.error))}`);
}
