import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { FIXTURE_START_MS, shiftedFixture } from '../../helpers/ingest.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';

const CID = '5f3d2a6b0c00e4a1b2c3d4e5';
const REQUEST_ID = '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10';

void describe('ingest round trip (real Kafka and Elasticsearch)', () => {
  const stack = new IngestTestStack();
  // Fixtures happen "an hour ago", well inside retention.
  const shift = Date.now() - 3_600_000 - FIXTURE_START_MS;
  const line = (name: string) => JSON.stringify(shiftedFixture(name, shift));

  before(async () => {
    await stack.setUp();
    await stack.start();
  });
  after(() => stack.close());

  const search = async (query: Record<string, unknown>): Promise<TraceEvent[]> => {
    await stack.es.client.indices.refresh({ index: stack.eventsPattern });
    const response = await stack.es.client.search<TraceEvent>({
      index: stack.eventsPattern,
      query,
      size: 100,
      sort: [{ 'event.id': 'asc' }],
    });
    return response.hits.hits.map((hit) => hit._source!);
  };

  void test('every format lands once, an out-of-order transaction included, joined through X-CorrelationID', async () => {
    // The event log's copy of the transaction first, then the open traffic lines backwards.
    await stack.produce(stack.topics.gateway, [
      line('axway-event-log-transaction'),
      line('axway-event-log-header'),
      line('axway-open-traffic-trace'),
      line('axway-open-traffic-circuit'),
      line('axway-open-traffic-summary'),
      line('axway-open-traffic-leg1'),
      line('axway-open-traffic-leg0'),
      line('generic-access-log'),
    ]);
    await stack.produce(stack.topics.services, [
      line('service-pino'),
      line('service-ecs'),
      line('service-logback'),
    ]);
    // 4 Axway documents (2 legs, summary, circuit path) + 1 access log + 3 service logs.
    await stack.es.waitForCount(stack.eventsPattern, 8, 60_000);
    await stack.waitUntilCaughtUp();

    const transaction = await search({
      bool: {
        should: [{ term: { 'transaction.id': CID } }, { term: { 'ariane.correlation_ids': CID } }],
      },
    });
    assert.deepEqual(transaction.map((e) => e.event.dataset).sort(), [
      'axway.circuit_path',
      'axway.leg',
      'axway.leg',
      'axway.summary',
      'service.log',
    ]);
    const backend = transaction.find((e) => e.event.dataset === 'service.log');
    assert.equal(backend?.service.name, 'vitam-access', 'joined only through X-CorrelationID');
    assert.equal(backend?.http?.request?.id, undefined);

    const leg0 = transaction.find((e) => e.event.id === `axway:${CID}:leg:0`);
    assert.ok(leg0?.ariane.request_headers, 'the open-traffic leg, with headers, won');
    assert.ok(!leg0.ariane.request_headers.includes('fakeJwtHeader'));
    const summary = transaction.find((e) => e.event.dataset === 'axway.summary');
    assert.equal(summary?.event.duration, 57_000_000, 'the event-log summary won');

    const byRequestId = await search({ term: { 'http.request.id': REQUEST_ID } });
    assert.ok(byRequestId.some((e) => e.event.dataset === 'gateway.access'));
    assert.ok(byRequestId.some((e) => e.service.name === 'vitam-metadata'));
  });

  const deletedOnDisk = async (): Promise<number> => {
    const stats = await stack.es.client.indices.stats({
      index: stack.eventsPattern,
      metric: 'docs',
    });
    return stats._all.primaries?.docs?.deleted ?? 0;
  };

  void test('replaying the same offsets creates no duplicates and rewrites nothing', async () => {
    const before = await search({ match_all: {} });
    const deletedBefore = await deletedOnDisk();
    await stack.stop();
    const admin = await stack.kafka.admin();
    for (const topic of [stack.topics.gateway, stack.topics.services])
      await admin.resetOffsets({ groupId: stack.config.INGEST_GROUP_ID, topic, earliest: true });
    const ingest = await stack.start();
    await stack.waitUntilCaughtUp();
    const consumed = await ingest.metrics.consumed.get();
    const replayed = consumed.values.reduce((sum, v) => sum + v.value, 0);
    assert.equal(replayed, 11, 'every record was read again');
    const after = await search({ match_all: {} });
    assert.equal(after.length, before.length);
    // Not even overwritten with the same content (`event.ingested` would change): an overwrite
    // leaves a deleted version on disk, which an anonymisation would have to merge away.
    assert.deepEqual(after, before);
    assert.ok((await deletedOnDisk()) <= deletedBefore);
  });
});
