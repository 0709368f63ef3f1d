import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import {
  createOperationStore,
  ensureOperationIndices,
} from '../../core/src/anonymisation/operation-log.js';
import { indexNames, type IndexNames } from '../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import { createLogger } from '../../core/src/observability/logger.js';
import type { TraceEvent } from '../../core/src/schemas/trace-event.js';
import { buildApp } from '../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../query-api/src/store/elasticsearch-event-store.js';
import { indexEvents, traceEvent, type EventSpec } from './dashboards.js';
import { EsTestContext } from './elasticsearch.js';
import { queryApiConfig, token } from './query-api.js';

/**
 * Session `sess-ui` of tenant-a: request `req-ok` (gateway leg 0, backend leg 1, and the
 * service's log line) then `req-missing` (the gateway called a backend that logged nothing:
 * a missing hop).
 */
const gateway = {
  service: 'piste-gateway',
  serviceType: 'gateway',
  dataset: 'axway.leg',
  tenant: 'tenant-a',
  sessionId: 'sess-ui',
} as const;
export const TIMELINE_FIXTURES: readonly TraceEvent[] = [
  {
    ...gateway,
    leg: 0,
    at: '2025-03-10T10:00:00.000Z',
    requestId: 'req-ok',
    status: 200,
    durationMs: 120,
    client: 'c1',
    method: 'GET',
    path: '/v1/units',
  },
  {
    ...gateway,
    leg: 1,
    at: '2025-03-10T10:00:00.020Z',
    requestId: 'req-ok',
    status: 200,
    durationMs: 80,
  },
  {
    service: 'units-svc',
    serviceType: 'backend',
    dataset: 'service.log',
    tenant: 'tenant-a',
    sessionId: 'sess-ui',
    at: '2025-03-10T10:00:00.040Z',
    requestId: 'req-ok',
    status: 200,
    durationMs: 50,
  },
  {
    ...gateway,
    leg: 0,
    at: '2025-03-10T10:00:05.000Z',
    requestId: 'req-missing',
    status: 504,
    durationMs: 300,
    client: 'c1',
    method: 'POST',
    path: '/v1/objects',
  },
  {
    ...gateway,
    leg: 1,
    at: '2025-03-10T10:00:05.010Z',
    requestId: 'req-missing',
    status: 504,
    durationMs: 280,
  },
].map((spec) => traceEvent(spec as EventSpec));

/** The clock the API runs on in these tests: the fixture day stays inside the retention window. */
export const FIXTURE_NOW = new Date('2025-03-10T12:00:00.000Z');

export interface RunningApi {
  readonly url: string;
  readonly token: string;
  readonly es: EsTestContext;
  readonly prefix: string;
  readonly names: IndexNames;
  close(): Promise<void>;
}

/**
 * A real query API on a random port over real Elasticsearch holding `events`; with
 * `operations`, it also serves anonymisation requests and operations from its audit indices.
 */
export async function startQueryApi(
  label: string,
  events: readonly TraceEvent[],
  options: { operations?: boolean } = {},
): Promise<RunningApi> {
  const es = new EsTestContext();
  const prefix = es.prefix(label);
  const names = indexNames(prefix);
  await installEventsTemplate(es.client, names, prefix, 0);
  await indexEvents(es.client, names, events);
  if (options.operations === true) await ensureOperationIndices(es.client, names, 0);
  const config = queryApiConfig({
    ARIANE_INDEX_PREFIX: prefix,
    ES_URL: process.env.ES_URL ?? 'http://127.0.0.1:9200',
  });
  const app = await buildApp(config, {
    store: createElasticsearchEventStore(es.client, 10_000),
    ...(options.operations === true && { operations: createOperationStore(es.client, names) }),
    logger: createLogger('query-api-test', 'silent'),
    metrics: new Registry(),
    now: () => FIXTURE_NOW,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: await token({
      roles: ['support', 'compliance'],
      tenants: ['tenant-a'],
      expiresIn: '30m',
    }),
    es,
    prefix,
    names,
    async close() {
      // The app closes the store, which closes the client; then delete the test's indices.
      await app.close().catch(() => undefined);
      const cleanup = new EsTestContext();
      try {
        for (const index of (
          await cleanup.client.indices.resolveIndex({ name: `${prefix}*`, expand_wildcards: 'all' })
        ).indices)
          await cleanup.client.indices.delete({ index: index.name });
        await cleanup.client.indices.deleteIndexTemplate(
          { name: names.eventsTemplate },
          { ignore: [404] },
        );
      } finally {
        await cleanup.close();
      }
    },
  };
}
