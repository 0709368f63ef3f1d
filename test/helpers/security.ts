import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import {
  createOperationStore,
  ensureOperationIndices,
} from '../../core/src/anonymisation/operation-log.js';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { TraceEventSchema, type TraceEvent } from '../../core/src/schemas/trace-event.js';
import { buildApp } from '../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../query-api/src/store/elasticsearch-event-store.js';
import { EsTestContext } from './elasticsearch.js';
import { queryApiConfig, requestEvents, traceEvent } from './query-api.js';

/** The tenant a fuzzing or abuse test reads, and the one whose data must never leak to it. */
export const OWN_TENANT = 'tenant-own';
export const OTHER_TENANT = 'tenant-other';
/** Ids shared by both tenants: a leak shows up as the other tenant's marker in an answer. */
export const SHARED_REQUEST_ID = 'req-shared';
export const SHARED_SESSION_ID = 'sess-shared';
/** Appears in every text field of the other tenant's events and nowhere in the own tenant's. */
export const OTHER_MARKER = 'othertenantsecret';

/** A service-account key of the own tenant, configured in `startFixtureApi` (hash only). */
export const OWN_API_KEY = 'fixture-api-key-of-the-own-tenant';
const OWN_API_KEY_ENTRY = `fixture:${createHash('sha256').update(OWN_API_KEY).digest('hex')}:support|compliance:${OWN_TENANT}`;

const START = '2026-03-02T10:00:00.000Z';

/**
 * A few requests in each tenant, with the same request and session ids on both sides, plus
 * plain events whose messages contain Elasticsearch query syntax (so injection attempts have
 * something to match).
 */
export function securityFixtures(): TraceEvent[] {
  const tenantEvents = (tenant: string, marker: string, offsetMs: number) => [
    ...requestEvents({
      requestId: SHARED_REQUEST_ID,
      transactionId: `tx-${tenant}-1`,
      start: new Date(Date.parse(START) + offsetMs).toISOString(),
      durationMs: 120,
      status: 200,
      tenant,
      sessionId: SHARED_SESSION_ID,
      clientId: `client-${marker}`,
      path: `/api/v1/${marker}`,
      backends: [
        { service: `svc-${marker}`, offsetMs: 5, durationMs: 80, status: 200 },
        { service: 'shared-svc', offsetMs: 90, durationMs: 20, status: 500, errorMessage: marker },
      ],
    }),
    ...['*:*', '_exists_:message', 'a OR b', '/.*/', '{"script":"1"}', 'wild*card?'].map(
      (text, index) =>
        traceEvent({
          tenant,
          at: new Date(Date.parse(START) + offsetMs + 500 + index).toISOString(),
          id: `${tenant}-text-${index}`,
          message: `${marker} ${text}`,
          user: { id: `user-${marker}` },
          service: { name: 'shared-svc', type: 'backend' },
          http: { request: { id: `${tenant}-solo-${index}` } },
        }),
    ),
  ];
  return [
    ...tenantEvents(OWN_TENANT, 'ownvisible', 0),
    ...tenantEvents(OTHER_TENANT, OTHER_MARKER, 1_000),
  ].map((event) => TraceEventSchema.parse(event));
}

export interface FixtureApi {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly es: EsTestContext;
  readonly prefix: string;
  readonly ownEvents: number;
  /** One queued anonymisation operation per tenant. */
  readonly ownOperationId: string;
  readonly otherOperationId: string;
  close(): Promise<void>;
}

/**
 * A real query API listening on a random port over a unique index prefix holding
 * `securityFixtures()`. Call `close()` in an `after` hook: it stops the server and deletes
 * the indices.
 */
export async function startFixtureApi(overrides: Record<string, string> = {}): Promise<FixtureApi> {
  const es = new EsTestContext();
  const prefix = es.prefix('sec');
  const names = indexNames(prefix);
  const config = queryApiConfig({
    ARIANE_INDEX_PREFIX: prefix,
    ES_URL: process.env.ES_URL ?? 'http://127.0.0.1:9200',
    API_KEYS: OWN_API_KEY_ENTRY,
    ...overrides,
  });
  await installEventsTemplate(es.client, names, prefix, 0);
  const events = securityFixtures();
  const result = await es.client.bulk({
    refresh: 'wait_for',
    operations: events.flatMap((event) => [
      {
        index: { _index: names.eventsIndexFor(new Date(event['@timestamp'])), _id: event.event.id },
      },
      event,
    ]),
  });
  assert.equal(result.errors, false);
  await es.waitForCount(names.eventsPattern, events.length);
  await ensureOperationIndices(es.client, names, 0);
  const operations = createOperationStore(es.client, names);
  const queue = async (tenant: string) =>
    (
      await operations.queue({
        tenant,
        requestedBy: 'fixture',
        request: {
          selector: { type: 'session_id', value: SHARED_SESSION_ID },
          reason: 'TICKET-1 fixture',
        },
      })
    ).operationId;
  const ownOperationId = await queue(OWN_TENANT);
  const otherOperationId = await queue(OTHER_TENANT);
  const app = await buildApp(config, {
    store: createElasticsearchEventStore(createElasticsearchClient(config), 10_000),
    operations,
    logger: createLogger('security-test', 'silent'),
    metrics: new Registry(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${port}`,
    es,
    prefix,
    ownEvents: events.filter((event) => event.organization?.id === OWN_TENANT).length,
    ownOperationId,
    otherOperationId,
    close: () =>
      (closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await es.close();
        }
      })()),
  };
}
