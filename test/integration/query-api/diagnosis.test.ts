import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { generateRecords, type TrafficStats } from '../../../bench/generator/records.js';
import type { SimulatedRequest } from '../../../bench/generator/traffic.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import type { RequestTimeline } from '../../../query-api/src/contract/request-timeline.js';
import type { SessionTimeline } from '../../../query-api/src/contract/session-timeline.js';
import type { RequestSearchPage } from '../../../query-api/src/contract/request-search.js';
import { buildApp } from '../../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../../query-api/src/store/elasticsearch-event-store.js';
import { diagnosisMismatch } from '../../helpers/diagnosis-truth.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { authHeaders, queryApiConfig } from '../../helpers/query-api.js';

/**
 * Generated demo traffic with every failure kind, produced to real Kafka, ingested into real
 * Elasticsearch, then read back through the query API: each request's diagnosis must say what
 * the generator did to it, and the session and request search carry it too.
 */

/** Requests checked per kind of failure (each costs a timeline). */
const PER_KIND = 3;

function kindOf(request: SimulatedRequest): string {
  const failure = request.failure;
  return failure ? `${failure.kind}${failure.reason ? `:${failure.reason}` : ''}` : 'ok';
}

void describe('diagnosis of generated traffic through Kafka and Elasticsearch', () => {
  const stack = new IngestTestStack();
  const truth: SimulatedRequest[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;

  before(async () => {
    await stack.setUp();
    await stack.start();
    const stats: TrafficStats = { requests: 0, records: 0, duplicates: 0, delayed: 0 };
    const records = [
      ...generateRecords(
        {
          seed: 'diagnosis-it',
          // Ten minutes ago, so that the route baselines (last 24 h) see it.
          startMs: Date.now() - 600_000,
          requestsPerSecond: 5,
          requests: 400,
          faults: {
            clientError: 0.15,
            serverError: 0.12,
            quota: 0.03,
            slow: 0.02,
            skewedHost: 0,
            duplicate: 0,
          },
        },
        stats,
        (request) => truth.push(request),
      ),
    ];
    const producer = await stack.kafka.producer();
    for (const topic of ['gateway', 'services'] as const) {
      const values = records.filter((record) => record.topic === topic);
      for (let start = 0; start < values.length; start += 500)
        await producer.send({
          topic: stack.topics[topic],
          acks: -1,
          messages: values.slice(start, start + 500).map((record) => ({ value: record.value })),
        });
    }
    await stack.waitUntilCaughtUp(120_000);
    await stack.es.client.indices.refresh({ index: stack.eventsPattern });
    app = await buildApp(queryApiConfig({ ARIANE_INDEX_PREFIX: stack.prefix }), {
      store: createElasticsearchEventStore(stack.es.client, 10_000),
      logger: createLogger('query-api-it', 'silent'),
      metrics: new Registry(),
    });
  });
  after(async () => {
    // The app owns the store, which closes the stack's client: close the stack first.
    await stack.close();
    await app?.close().catch(() => undefined);
  });

  const get = async <T>(url: string, tenant: string): Promise<T> => {
    const response = await app.inject({
      url,
      headers: await authHeaders(tenant, { tenants: [tenant] }),
    });
    assert.ok(response.statusCode < 300, `${url}: ${response.statusCode} ${response.body}`);
    return response.json<T>();
  };

  void test('every failure kind, each diagnosed as the generator made it', async () => {
    const byKind = new Map<string, SimulatedRequest[]>();
    for (const request of truth) {
      if (request.requestId === undefined) continue;
      const kind = kindOf(request);
      byKind.set(kind, [...(byKind.get(kind) ?? []), request]);
    }
    assert.deepEqual([...byKind.keys()].sort(), [
      'backend_client_error',
      'backend_error',
      'backend_unreachable:timeout',
      'backend_unreachable:unreachable',
      'gateway_failed_after_backend',
      'ok',
      'rejected_by_gateway:oauth',
      'rejected_by_gateway:quota',
      'rejected_by_gateway:scope',
      'rejected_by_gateway:size',
      'rejected_by_gateway:waf',
      'slow',
    ]);
    const mismatches: string[] = [];
    for (const [kind, requests] of byKind)
      for (const request of requests.slice(0, PER_KIND)) {
        const timeline = await get<RequestTimeline>(
          `/trace/v1/requests/${request.requestId as string}`,
          request.tenant,
        );
        // A slow request within its route's p95 is that route's usual pace.
        const baseline = timeline.timeBudget.baseline;
        if (kind === 'slow' && baseline && request.durationMs <= baseline.p95Ms) continue;
        const mismatch = diagnosisMismatch(request, timeline.diagnosis);
        if (mismatch) mismatches.push(`${kind} ${request.requestId as string}: ${mismatch}`);
      }
    assert.deepEqual(mismatches, []);
  });

  void test('the deep backend error is attributed to the deepest service, with the call tree', async () => {
    const deep = truth.find(
      (request) =>
        request.requestId !== undefined &&
        request.failure?.kind === 'backend_error' &&
        request.hops.length >= 3 &&
        request.hops.every((hop) => hop.logged && hop.status >= 500),
    );
    assert.ok(deep, 'the traffic has a failure passed up through three services');
    const timeline = await get<RequestTimeline>(
      `/trace/v1/requests/${deep.requestId as string}`,
      deep.tenant,
    );
    const deepest = deep.hops.at(-1)?.service.name;
    assert.equal(timeline.diagnosis.service, deepest);
    const origin = timeline.hops.find((hop) => hop.service === deepest);
    assert.ok(origin && origin.depth >= 3, `${deepest} sits under its callers in the tree`);
    assert.ok(timeline.diagnosis.hops.length >= 4, 'the chain of callers is the evidence');
  });

  void test('a route baseline comes from real traffic', async () => {
    const request = truth.find(
      (candidate) =>
        candidate.requestId !== undefined &&
        candidate.failure === undefined &&
        candidate.operation.name === 'searchUnits',
    );
    assert.ok(request);
    const timeline = await get<RequestTimeline>(
      `/trace/v1/requests/${request.requestId as string}`,
      request.tenant,
    );
    const baseline = timeline.timeBudget.baseline;
    assert.ok(baseline && baseline.samples > 0, 'a baseline');
    assert.equal(baseline.operation, 'searchUnits');
    assert.ok(baseline.p50Ms > 0 && baseline.p95Ms >= baseline.p50Ms);
    // The ratio to the median needs 20 samples of the route in the tenant.
    assert.equal(timeline.timeBudget.ratioToMedian !== null, baseline.samples >= 20);
  });

  void test('sessions count failures by origin; request search returns rows with diagnoses', async () => {
    const failing = truth.find(
      (request) =>
        request.sessionId !== undefined &&
        request.requestId !== undefined &&
        request.failure?.kind === 'backend_error',
    );
    assert.ok(failing);
    const session = await get<SessionTimeline>(
      `/trace/v1/sessions/${failing.sessionId as string}`,
      failing.tenant,
    );
    const row = session.$results.find((result) => result.requestId === failing.requestId);
    assert.equal(row?.diagnosis.kind, 'backend_error');
    assert.ok(session.summary.failuresByOrigin.some((entry) => entry.origin === 'backend'));

    const page = await get<RequestSearchPage>(
      `/trace/v1/requests?statusClass=5xx&$limit=50`,
      failing.tenant,
    );
    assert.ok(page.$results.length > 0);
    for (const result of page.$results) assert.notEqual(result.diagnosis.kind, 'ok');
    assert.ok(page.$hits.total >= page.$results.length);
  });
});
