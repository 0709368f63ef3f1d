import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createElasticsearchClient } from '../../../core/src/es/client.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../../core/src/es/setup.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { buildApp } from '../../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../../query-api/src/store/elasticsearch-event-store.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import {
  authHeaders,
  plus,
  queryApiConfig,
  requestEvents,
  traceEvent,
} from '../../helpers/query-api.js';

// Real Elasticsearch: fixtures are TraceEvent documents (validated against the schema) bulk
// indexed into daily indices under a unique prefix, read back through the real store.

const DAY1 = '2026-03-01T23:59:59.900Z';
const DAY2 = '2026-03-02T10:00:00.000Z';

function fixtures(): TraceEvent[] {
  const events: TraceEvent[] = [
    // Multi-hop, crossing midnight UTC: leg 0 in one daily index, backends in the next.
    ...requestEvents({
      requestId: 'multi-hop',
      transactionId: 'tx-multi',
      start: DAY1,
      durationMs: 300,
      status: 200,
      sessionId: 'sess-1',
      clientId: 'client-1',
      backends: [
        { service: 'orders', offsetMs: 20, durationMs: 80, status: 200 },
        { service: 'stock', offsetMs: 120, durationMs: 100, status: 200, correlationOnly: true },
      ],
    }),
    ...requestEvents({
      requestId: 'missing-hop',
      transactionId: 'tx-missing',
      start: plus(DAY2, 1_000),
      durationMs: 100,
      status: 504,
      sessionId: 'sess-1',
      backends: [{ service: 'orders', offsetMs: 5, durationMs: 90, status: 504, logged: false }],
    }),
    ...requestEvents({
      requestId: 'skewed',
      transactionId: 'tx-skew',
      start: plus(DAY2, 2_000),
      durationMs: 100,
      status: 200,
      sessionId: 'sess-1',
      backends: [{ service: 'orders', offsetMs: 5, durationMs: 50, status: 200, skewMs: -8_000 }],
    }),
    ...requestEvents({
      requestId: 'failing',
      transactionId: 'tx-fail',
      start: plus(DAY2, 3_000),
      durationMs: 100,
      status: 500,
      sessionId: 'sess-1',
      backends: [
        {
          service: 'billing',
          offsetMs: 5,
          durationMs: 50,
          status: 500,
          errorMessage: 'db timeout',
        },
      ],
    }),
    // Services logging W3C trace context; the innermost logs neither X-Request-Id nor
    // X-CorrelationID: only its trace id joins it to the request.
    ...requestEvents({
      requestId: 'traced',
      transactionId: 'tx-traced',
      start: plus(DAY2, 3_500),
      durationMs: 200,
      status: 200,
      traceContext: true,
      backends: [
        {
          service: 'access-external',
          offsetMs: 10,
          durationMs: 180,
          status: 200,
          downstream: [
            {
              service: 'metadata',
              offsetMs: 20,
              durationMs: 100,
              status: 200,
              correlationOnly: true,
            },
          ],
        },
      ],
    }),
    // The same request id in tenant B: tenant A must only learn that it exists elsewhere.
    ...requestEvents({
      requestId: 'multi-hop',
      transactionId: 'tx-b',
      start: plus(DAY2, 4_000),
      durationMs: 50,
      status: 200,
      tenant: 'tenant-b',
      sessionId: 'sess-b',
      backends: [{ service: 'secret-b', offsetMs: 5, durationMs: 20, status: 200 }],
    }),
  ];
  // A request with thousands of events (a chatty backend).
  events.push(
    ...requestEvents({
      requestId: 'big',
      transactionId: 'tx-big',
      start: plus(DAY2, 5_000),
      durationMs: 900,
      status: 200,
      backends: [{ service: 'batch', offsetMs: 5, durationMs: 880, status: 200 }],
    }),
  );
  for (let index = 0; index < 2_500; index += 1)
    events.push(
      traceEvent({
        at: plus(DAY2, 5_010 + (index % 800)),
        id: `big-${String(index).padStart(5, '0')}`,
        service: { name: 'batch', type: 'backend' },
        transaction: { id: 'tx-big' },
        http: { request: { id: 'big' } },
        message: `item ${index} processed`,
      }),
    );
  return events.map((event) => TraceEventSchema.parse(event));
}

void describe('query API against real Elasticsearch', () => {
  const es = new EsTestContext();
  const prefix = es.prefix('qapi');
  const names = indexNames(prefix);
  const config = queryApiConfig({
    ARIANE_INDEX_PREFIX: prefix,
    ES_URL: process.env.ES_URL ?? 'http://127.0.0.1:9200',
    QUERY_MAX_TIMELINE_EVENTS: '2000',
  });
  let app: Awaited<ReturnType<typeof buildApp>>;
  let total = 0;

  before(async () => {
    await installEventsTemplate(es.client, names, prefix, 0);
    const events = fixtures();
    total = events.length;
    const operations = events.flatMap((event) => [
      {
        index: { _index: names.eventsIndexFor(new Date(event['@timestamp'])), _id: event.event.id },
      },
      event,
    ]);
    const result = await es.client.bulk({ operations, refresh: 'wait_for' });
    assert.equal(result.errors, false);
    await es.waitForCount(names.eventsPattern, total);
    app = await buildApp(config, {
      store: createElasticsearchEventStore(createElasticsearchClient(config), 10_000),
      logger: createLogger('query-api-it', 'silent'),
      metrics: new Registry(),
    });
  });
  after(async () => {
    await app?.close();
    await es.close();
  });

  const get = async (url: string, tenant = 'tenant-a', extra: Record<string, string> = {}) =>
    app.inject({
      url,
      headers: { ...(await authHeaders(tenant, { tenants: [tenant] })), ...extra },
    });

  void test('multi-hop timeline across two daily indices', async () => {
    const response = await get('/trace/v1/requests/multi-hop');
    assert.equal(response.statusCode, 200);
    const body = response.json<{
      hops: { kind: string; service: string; parent: number | null; link: string }[];
      anomalies: { type: string; details: Record<string, unknown> }[];
      summary: {
        finalStatus: number;
        services: string[];
        correlation: { transactionIds: string[] };
      };
      events: { organization: { id: string } }[];
    }>();
    assert.deepEqual(
      body.hops.map((hop) => [hop.kind, hop.service, hop.parent, hop.link]),
      [
        ['gateway_leg', 'piste-gateway', null, 'root'],
        ['gateway_leg', 'piste-gateway', 0, 'gateway'],
        ['gateway_leg', 'piste-gateway', 0, 'gateway'],
        ['service', 'orders', 1, 'correlation'],
        ['service', 'stock', 2, 'correlation'],
      ],
    );
    assert.deepEqual(body.summary.services, ['orders', 'stock']);
    assert.deepEqual(body.summary.correlation.transactionIds, ['tx-multi']);
    // Tenant B's use of the same id shows only as a count.
    assert.deepEqual(
      body.anomalies.map((anomaly) => anomaly.type),
      ['request_id_reused_across_tenants'],
    );
    assert.ok(body.events.every((event) => event.organization.id === 'tenant-a'));
    assert.ok(!response.body.includes('secret-b') && !response.body.includes('tx-b'));
  });

  void test('an event with only the trace id of the request joins its timeline and tree', async () => {
    const body = (await get('/trace/v1/requests/traced')).json<{
      hops: { service: string; parent: number | null; link: string }[];
      callTree: { order: number[] };
    }>();
    const metadata = body.hops.findIndex((hop) => hop.service === 'metadata');
    assert.ok(metadata >= 0, 'joined on trace.id alone');
    const caller = body.hops[body.hops[metadata]?.parent ?? -1];
    assert.equal(caller?.service, 'access-external');
    assert.equal(body.hops[metadata]?.link, 'trace_context');
  });

  void test('missing hop, clock skew and errors are flagged', async () => {
    const types = async (id: string) =>
      (await get(`/trace/v1/requests/${id}`))
        .json<{ anomalies: { type: string }[] }>()
        .anomalies.map((a) => a.type);
    assert.deepEqual(await types('missing-hop'), ['missing_hop']);
    assert.deepEqual(await types('skewed'), ['clock_skew']);
    const failing = (await get('/trace/v1/requests/failing')).json<{
      summary: { finalStatus: number; errors: { service: string; message: string | null }[] };
    }>();
    assert.equal(failing.summary.finalStatus, 500);
    assert.ok(
      failing.summary.errors.some(
        (error) => error.service === 'billing' && error.message === 'db timeout',
      ),
    );
  });

  void test('a request with thousands of events is paged, then flagged truncated with 206', async () => {
    const response = await get('/trace/v1/requests/big');
    assert.equal(response.statusCode, 206);
    const body = response.json<{
      truncated: boolean;
      summary: { eventCount: number; totalEvents: number };
    }>();
    assert.equal(body.truncated, true);
    assert.equal(body.summary.eventCount, 2_000);
    assert.equal(body.summary.totalEvents, 2_500 + 4);
  });

  void test('tenant B sees only its own request; tenant A token cannot ask for tenant B', async () => {
    const asB = (await get('/trace/v1/requests/multi-hop', 'tenant-b')).json<{
      summary: { services: string[] };
    }>();
    assert.deepEqual(asB.summary.services, ['secret-b']);
    const crossing = await app.inject({
      url: '/trace/v1/events?service=secret-b',
      headers: await authHeaders('tenant-b', { tenants: ['tenant-a'] }),
    });
    assert.equal(crossing.statusCode, 401);
    const searchA = (await get('/trace/v1/events?service=secret-b')).json<{
      $hits: { total: number };
    }>();
    assert.equal(searchA.$hits.total, 0);
    assert.equal((await get('/trace/v1/sessions/sess-b')).statusCode, 404);
  });

  void test('session timeline: requests in time order, paged by $limit/$offset', async () => {
    const first = (await get('/trace/v1/sessions/sess-1?$limit=2')).json<{
      summary: { requests: number; failedRequests: number; services: string[] };
      $hits: { total: number; size: number };
      $results: { requestId: string; status: number; anomalies: string[] }[];
    }>();
    assert.equal(first.summary.requests, 4);
    assert.equal(first.summary.failedRequests, 2);
    assert.deepEqual(first.$hits, { total: 4, offset: 0, limit: 2, size: 2 });
    assert.deepEqual(
      // Requests are ordered by their earliest event on any host: the skewed backend clock moves
      // 'skewed' before 'missing-hop', and its summary flags the skew.
      first.$results.map((request) => request.requestId),
      ['multi-hop', 'skewed'],
    );
    assert.deepEqual(first.$results[1]?.anomalies, ['clock_skew']);
    const second = (await get('/trace/v1/sessions/sess-1?$limit=2&$offset=2')).json<{
      $results: { requestId: string; status: number }[];
    }>();
    assert.deepEqual(
      second.$results.map((request) => [request.requestId, request.status]),
      [
        ['missing-hop', 504],
        ['failing', 500],
      ],
    );
    assert.equal(
      (
        await app.inject({
          method: 'HEAD',
          url: '/trace/v1/sessions/sess-1',
          headers: await authHeaders(),
        })
      ).statusCode,
      204,
    );
  });

  void test('cursor paging returns exactly the events offset paging returns', async () => {
    const query = '/trace/v1/events?service=batch&sort=-@timestamp&$limit=700';
    const byOffset: string[] = [];
    for (let offset = 0; ; offset += 700) {
      const page = (await get(`${query}&$offset=${offset}`)).json<{
        $results: { event: { id: string } }[];
      }>();
      byOffset.push(...page.$results.map((event) => event.event.id));
      if (page.$results.length < 700) break;
    }
    const byCursor: string[] = [];
    let response = await get(query, 'tenant-a', { 'x-cursor': 'true' });
    let pages = 0;
    for (;;) {
      pages += 1;
      assert.equal(response.statusCode, 200);
      byCursor.push(
        ...response
          .json<{ $results: { event: { id: string } }[] }>()
          .$results.map((e) => e.event.id),
      );
      const cursor = response.headers['x-cursor-id'];
      if (typeof cursor !== 'string') break;
      assert.ok(Date.parse(String(response.headers['x-cursor-timeout'])) > Date.now());
      response = await get('/trace/v1/events', 'tenant-a', { 'x-cursor-id': cursor });
    }
    assert.equal(pages, 4);
    assert.equal(byCursor.length, 2_501);
    assert.deepEqual(byCursor, byOffset);
    assert.equal(new Set(byCursor).size, byCursor.length);
  });

  void test('a cursor is bound to its tenant; a tampered one is rejected', async () => {
    const first = await get('/trace/v1/events?service=batch&$limit=10', 'tenant-a', {
      'x-cursor': 'true',
    });
    const cursor = String(first.headers['x-cursor-id']);
    const stolen = await app.inject({
      url: '/trace/v1/events',
      headers: {
        ...(await authHeaders('tenant-b', { tenants: ['tenant-a', 'tenant-b'] })),
        'x-cursor-id': cursor,
      },
    });
    assert.equal(stolen.statusCode, 412);
    const tampered = await get('/trace/v1/events', 'tenant-a', {
      'x-cursor-id': `${cursor.slice(0, -2)}xx`,
    });
    assert.equal(tampered.statusCode, 400);
  });

  void test('search filters, status codes and malformed input never give a 500', async () => {
    const failing = (await get('/trace/v1/events?statusClass=5xx&service=billing')).json<{
      $hits: { total: number };
    }>();
    assert.equal(failing.$hits.total, 1);
    const text = (await get('/trace/v1/events?q=%22db%20timeout%22')).json<{
      $hits: { total: number };
    }>();
    assert.equal(text.$hits.total, 1, 'found in error.message');
    const processed = (await get('/trace/v1/events?q=item%20processed&$limit=1')).json<{
      $hits: { total: number };
    }>();
    assert.equal(processed.$hits.total, 2_500);
    const statuses: [string, number][] = [
      ['/trace/v1/requests/unknown-id', 404],
      ['/trace/v1/requests/bad%20id', 400],
      ['/trace/v1/events?q=' + encodeURIComponent('/.*/ OR *:* [a TO z] ~2'), 200],
      ['/trace/v1/events?minDurationMs=-1', 400],
      ['/trace/v1/events?$limit=0', 400],
      ['/trace/v1/events?$offset=100000', 413],
      ['/trace/v1/sessions/sess-1?$limit=abc', 400],
      ['/trace/v1/events?path=no-slash', 400],
      ['/trace/v1/status', 200],
    ];
    for (const [url, status] of statuses) {
      const response = await get(url);
      assert.equal(response.statusCode, status, url);
      if (status >= 400)
        assert.ok(response.json<{ code: string }>().code.startsWith('ARIANE_'), url);
    }
  });
});
