import { SignJWT } from 'jose';
import { Registry } from 'prom-client';
import type { OperationStore } from '../../core/src/anonymisation/operations.js';
import { parseEnv } from '../../core/src/config/parse-env.js';
import { createLogger } from '../../core/src/observability/logger.js';
import type { TraceEvent } from '../../core/src/schemas/trace-event.js';
import { buildApp } from '../../query-api/src/app.js';
import { QueryApiEnvSchema, type QueryApiEnv } from '../../query-api/src/config.js';
import type { EventStore } from '../../query-api/src/store/event-store.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';
export const TEST_CURSOR_SECRET = 'cursor-secret-that-is-at-least-32-characters';

export function queryApiConfig(overrides: Record<string, string> = {}): QueryApiEnv {
  return parseEnv(QueryApiEnvSchema, {
    JWT_SECRET: TEST_JWT_SECRET,
    CURSOR_SECRET: TEST_CURSOR_SECRET,
    ...overrides,
  });
}

/** A store whose every call fails unless the test provides it: unit tests never reach ES. */
export function stubStore(overrides: Partial<EventStore> = {}): EventStore {
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected store.${name}`));
  return {
    locateRequests: unexpected('locateRequests'),
    requestEvents: unexpected('requestEvents'),
    routeBaseline: unexpected('routeBaseline'),
    searchRequests: unexpected('searchRequests'),
    requestExists: unexpected('requestExists'),
    sessionRequests: unexpected('sessionRequests'),
    sessionExists: unexpected('sessionExists'),
    searchEvents: unexpected('searchEvents'),
    searchEventsAfter: unexpected('searchEventsAfter'),
    searchDeadLetters: unexpected('searchDeadLetters'),
    openPointInTime: unexpected('openPointInTime'),
    closePointInTime: () => Promise.resolve(),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
    ...overrides,
  };
}

export async function testApp(
  store: EventStore,
  config: QueryApiEnv = queryApiConfig(),
  operations?: OperationStore,
) {
  return buildApp(config, {
    store,
    ...(operations ? { operations } : {}),
    logger: createLogger('query-api-test', 'silent'),
    metrics: new Registry(),
  });
}

export interface TokenClaimsInput {
  sub?: string;
  roles?: string[];
  tenants?: string[] | '*';
  secret?: string;
  expiresIn?: string;
}

export async function token(claims: TokenClaimsInput = {}): Promise<string> {
  return new SignJWT({
    roles: claims.roles ?? ['support'],
    tenants: claims.tenants ?? ['tenant-a'],
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? 'alice')
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(claims.secret ?? TEST_JWT_SECRET));
}

export async function authHeaders(tenant = 'tenant-a', claims: TokenClaimsInput = {}) {
  return { authorization: `Bearer ${await token(claims)}`, 'x-tenant-id': tenant };
}

let sequence = 0;

/** One TraceEvent with sensible defaults; `overrides` replace whole top-level blocks. */
export function traceEvent(
  overrides: Partial<TraceEvent> & { at: string; id?: string; tenant?: string },
): TraceEvent {
  const { at, id, tenant, ...rest } = overrides;
  sequence += 1;
  const base: TraceEvent = {
    '@timestamp': at,
    event: {
      id: id ?? `evt-${String(sequence).padStart(6, '0')}`,
      dataset: 'service.log',
      kind: 'event',
      category: ['web'],
      type: ['access'],
      outcome: 'success',
      ingested: at,
    },
    service: { name: 'svc', type: 'backend' },
    organization: { id: tenant ?? 'tenant-a' },
    ariane: {
      raw_timestamp: at,
      source: { topic: 'ariane.services', partition: 0, offset: String(sequence) },
    },
  };
  return { ...base, ...rest, event: { ...base.event, ...rest.event, id: id ?? base.event.id } };
}

/** Adds `ms` milliseconds to an ISO timestamp. */
export function plus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export interface HopSpec {
  requestId: string;
  transactionId: string;
  start: string;
  /** Total time seen by the gateway on leg 0. */
  durationMs: number;
  status: number;
  tenant?: string;
  sessionId?: string;
  clientId?: string;
  path?: string;
  method?: string;
  /** Backends called in order; `logged: false` makes a missing hop. */
  backends: BackendSpec[];
  /** A failed filter in the transaction's policy path (a gateway rejection). */
  failedFilter?: { name: string; type: string };
  /** Services log W3C trace context: `trace.id`, `span.id` and their caller's `parent.id`. */
  traceContext?: boolean;
}

export interface BackendSpec {
  service: string;
  /** From the gateway's leg 0 start for a backend; from its caller's start for a downstream call. */
  offsetMs: number;
  durationMs: number;
  status: number;
  logged?: boolean;
  /** Shifts the service's own timestamps (clock skew). */
  skewMs?: number;
  /** The backend logged only X-CorrelationID, not X-Request-Id. */
  correlationOnly?: boolean;
  errorMessage?: string;
  errorCode?: string;
  /** Services this one calls in turn; they log X-Request-Id only (no correlation id). */
  downstream?: BackendSpec[];
}

/**
 * The events the ingest would store for one request through the gateway: leg 0, one outbound
 * leg per backend, a transaction summary (no request id, as Axway writes it) and the backend
 * service lines.
 */
export function requestEvents(spec: HopSpec): TraceEvent[] {
  const common = {
    tenant: spec.tenant ?? 'tenant-a',
    transaction: { id: spec.transactionId },
  };
  const ariane = (at: string, extra: Partial<TraceEvent['ariane']> = {}): TraceEvent['ariane'] => ({
    raw_timestamp: at,
    source: { topic: 'ariane.gateway', partition: 0, offset: '0' },
    correlation_ids: [spec.transactionId],
    ...(spec.sessionId ? { session_id: spec.sessionId } : {}),
    ...(spec.clientId ? { client_id: spec.clientId } : {}),
    ...extra,
  });
  const leg = (legNumber: number, at: string, durationMs: number, status: number): TraceEvent =>
    traceEvent({
      ...common,
      at,
      id: `${spec.transactionId}-leg${legNumber}`,
      event: {
        id: '',
        dataset: 'axway.leg',
        kind: 'event',
        category: ['web'],
        type: ['connection'],
        outcome: status >= 500 ? 'failure' : 'success',
        start: at,
        end: plus(at, durationMs),
        duration: durationMs * 1e6,
        sequence: legNumber,
        ingested: at,
      },
      http: {
        request: { id: spec.requestId, method: spec.method ?? 'GET' },
        response: { status_code: status },
      },
      url: { path: spec.path ?? '/api/v1/things' },
      service: { name: 'piste-gateway', type: 'gateway', node: { name: 'gw-1' } },
      network: { direction: legNumber === 0 ? 'inbound' : 'outbound' },
      // As ingest writes it: each leg is a span of its own.
      span: { id: `${spec.transactionId}-leg${legNumber}` },
      ...(spec.traceContext ? { trace: { id: `trace-${spec.transactionId}` } } : {}),
      ariane: ariane(at, { leg: legNumber }),
    });
  const events: TraceEvent[] = [leg(0, spec.start, spec.durationMs, spec.status)];
  const traceId = spec.traceContext ? `trace-${spec.transactionId}` : undefined;
  const service = (
    backend: BackendSpec,
    startAt: string,
    correlated: boolean,
    parentSpan: string,
  ): void => {
    if (backend.logged === false) return;
    const serviceStart = plus(startAt, backend.skewMs ?? 0);
    const spanId = `${spec.transactionId}-${backend.service}`;
    const serviceAriane = ariane(serviceStart, {
      source: { topic: 'ariane.services', partition: 0, offset: '0' },
    });
    if (!correlated) delete serviceAriane.correlation_ids;
    events.push(
      traceEvent({
        tenant: common.tenant,
        at: serviceStart,
        id: spanId,
        event: {
          id: '',
          dataset: 'service.log',
          kind: 'event',
          category: ['web'],
          type: ['access'],
          outcome: backend.status >= 500 ? 'failure' : 'success',
          start: serviceStart,
          end: plus(serviceStart, Math.max(0, backend.durationMs - 2)),
          duration: Math.max(0, backend.durationMs - 2) * 1e6,
          ingested: serviceStart,
        },
        http: {
          ...(backend.correlationOnly ? {} : { request: { id: spec.requestId } }),
          response: { status_code: backend.status },
        },
        service: { name: backend.service, type: 'backend', node: { name: `${backend.service}-0` } },
        ...(traceId
          ? { trace: { id: traceId }, span: { id: spanId }, parent: { id: parentSpan } }
          : {}),
        ...(backend.errorMessage
          ? {
              error: {
                message: backend.errorMessage,
                type: 'Error',
                ...(backend.errorCode ? { code: backend.errorCode } : {}),
              },
            }
          : {}),
        message: `${backend.service} handled the request`,
        ariane: serviceAriane,
      }),
    );
    for (const inner of backend.downstream ?? [])
      service(inner, plus(serviceStart, inner.offsetMs), false, spanId);
  };
  spec.backends.forEach((backend, index) => {
    const legStart = plus(spec.start, backend.offsetMs);
    events.push(leg(index + 1, legStart, backend.durationMs, backend.status));
    service(backend, plus(legStart, 1), true, `${spec.transactionId}-leg${index + 1}`);
  });
  if (spec.failedFilter)
    events.push(
      traceEvent({
        ...common,
        at: spec.start,
        id: `${spec.transactionId}-circuit`,
        event: {
          id: '',
          dataset: 'axway.circuit_path',
          kind: 'event',
          category: ['web'],
          type: ['info'],
          outcome: 'unknown',
          ingested: spec.start,
        },
        service: { name: 'piste-gateway', type: 'gateway' },
        ariane: {
          ...ariane(spec.start),
          circuit_path: [
            {
              policy: 'API Broker',
              filters: [
                { name: 'Set service context', type: 'VApiServiceContextFilter', status: 'Pass' },
                { ...spec.failedFilter, status: 'Fail' },
              ],
            },
          ],
        },
      }),
    );
  const end = plus(spec.start, spec.durationMs);
  events.push(
    traceEvent({
      ...common,
      at: end,
      id: `${spec.transactionId}-summary`,
      event: {
        id: '',
        dataset: 'axway.summary',
        kind: 'event',
        category: ['web'],
        type: ['info'],
        outcome: spec.status >= 500 ? 'failure' : 'success',
        ingested: end,
      },
      http: { response: { status_code: spec.status } },
      service: { name: 'piste-gateway', type: 'gateway' },
      ariane: ariane(end),
    }),
  );
  return events.sort(
    (a, b) =>
      a['@timestamp'].localeCompare(b['@timestamp']) || a.event.id.localeCompare(b.event.id),
  );
}
