import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { DenyListRefresher } from '../../../core/src/anonymisation/deny-list-store.js';
import { queueAnonymisation } from '../../../core/src/anonymisation/operation-log.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import {
  StoredDeadLetterSchema,
  type StoredDeadLetter,
} from '../../../core/src/schemas/dead-letter.js';
import { deletedDocsOnDisk } from '../../../jobs/src/anonymisation/erase.js';
import { elasticsearchErasureStore } from '../../../jobs/src/anonymisation/erasure-store.js';
import { runQueuedOperations } from '../../../jobs/src/anonymisation/run-operation.js';
import { kafkaErasure } from '../../../jobs/src/kafka/kafka-erasure.js';
import { kafkaLogAdmin } from '../../../jobs/src/kafka/log-admin.js';
import { KafkaTruncator } from '../../../jobs/src/kafka/truncate.js';
import { buildApp } from '../../../query-api/src/app.js';
import { createElasticsearchEventStore } from '../../../query-api/src/store/elasticsearch-event-store.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import {
  anonymisationTestDeps,
  prepareAnonymisationIndices,
  TEST_DENYLIST_KEY,
} from '../../helpers/jobs.js';
import { authHeaders, queryApiConfig } from '../../helpers/query-api.js';
import { waitFor } from '../../helpers/wait.js';

const TENANT = 'tenant-dl';
const OTHER = 'tenant-dl-other';
const suffix = randomBytes(4).toString('hex');
const SESSION = `sess-dl-${suffix}`;

const accessLine = (fields: Record<string, unknown>) =>
  JSON.stringify({
    timestamp: new Date().toISOString(),
    request_id: `req-dl-${randomBytes(4).toString('hex')}`,
    application_id: SESSION,
    tenant_id: TENANT,
    method: 'GET',
    path: '/access-external/v1/units',
    status: 200,
    duration_ms: 12,
    client_ip: '198.51.100.23',
    service: 'access-external',
    ...fields,
  });

/** Every record the test sends: one indexed, the rest dead-lettered for the reasons given. */
const RECORDS = {
  indexed: accessLine({}),
  /** schema_mismatch, tenant read from the JSON. */
  badStatus: accessLine({ status: 'oops' }),
  /** invalid_json, tenant read from the text. */
  truncated: `{"application_id":"${SESSION}","tenant_id":"${TENANT}","status":`,
  /** Names no tenant: unattributed, and the session's value in it. */
  unattributed: `GET /units session=${SESSION} broken`,
  /** Another tenant's dead letter holding the same value: outside the operation's scope. */
  otherTenant: accessLine({ tenant_id: OTHER, status: 'oops' }),
  /** The tenant's, without the value: untouched. */
  unrelated: accessLine({ application_id: 'sess-someone-else', status: 'oops' }),
};

describe('anonymisation reaches the dead letters (index and topic)', () => {
  const stack = new IngestTestStack({ INGEST_DENYLIST_REFRESH_MS: '1000' });
  const es = stack.es.client;
  const names = indexNames(stack.prefix);
  const logger = createLogger('jobs-test', 'silent');
  const log = kafkaLogAdmin(stack.kafka.kafka);
  const truncator = new KafkaTruncator(
    { log, logger },
    {
      topics: [stack.topics.gateway, stack.topics.services],
      groups: [stack.config.INGEST_GROUP_ID],
      indexedTopics: [stack.topics.deadLetter],
    },
  );
  const denyList = new DenyListRefresher({
    es,
    names,
    key: TEST_DENYLIST_KEY,
    intervalMs: 1_000,
    logger,
  });

  const deadLetters = async (): Promise<StoredDeadLetter[]> => {
    await es.indices.refresh({ index: names.deadLetters });
    const found = await es.search({ index: names.deadLetters, size: 100 });
    return found.hits.hits.map((hit) => StoredDeadLetterSchema.parse(hit._source));
  };

  before(async () => {
    await stack.setUp();
    await prepareAnonymisationIndices(es, names, stack.prefix);
    await denyList.start();
    await stack.start(es, { denyList });
  });
  after(async () => {
    await denyList.stop();
    await log.close();
    await stack.close();
  });

  test('ingest writes each dead letter to the index, with its tenant when the payload names one', async () => {
    await stack.produce(stack.topics.gateway, Object.values(RECORDS));
    await stack.waitUntilCaughtUp();
    const letters = await waitFor('five dead letters in the index', async () => {
      const found = await deadLetters();
      return found.length === 5 ? found : undefined;
    });
    const tenants = letters.map((l) => l.tenant ?? '(none)').sort();
    assert.deepEqual(tenants, ['(none)', TENANT, TENANT, TENANT, OTHER]);
    assert.equal(letters.filter((l) => l.payload.data.includes(SESSION)).length, 4);
  });

  test('support finds the tenant’s dead letters through the API, and only those', async () => {
    // The app closes its store's client: it gets its own.
    const app = await buildApp(queryApiConfig({ ARIANE_INDEX_PREFIX: stack.prefix }), {
      store: createElasticsearchEventStore(new EsTestContext().client, 10_000),
      logger,
      metrics: new Registry(),
    });
    try {
      const all = await app.inject({
        url: '/trace/v1/dead-letters',
        headers: await authHeaders(TENANT, { tenants: [TENANT] }),
      });
      assert.equal(all.statusCode, 200, all.body);
      const body = all.json<{ $hits: { total: number }; $results: StoredDeadLetter[] }>();
      assert.equal(body.$hits.total, 3);
      assert.ok(body.$results.every((l) => l.tenant === TENANT));
      const searched = await app.inject({
        url: `/trace/v1/dead-letters?q=${encodeURIComponent(`"${SESSION}"`)}&reason=schema_mismatch`,
        headers: await authHeaders(TENANT, { tenants: [TENANT] }),
      });
      assert.equal(searched.json<{ $hits: { total: number } }>().$hits.total, 1);
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  test('the operation erases the value from the dead-letter index and topic, with proof', async () => {
    const operation = await queueAnonymisation(es, names, {
      tenant: TENANT,
      requestedBy: 'officer-1',
      request: { selector: { type: 'session_id', value: SESSION }, reason: 'DPO ticket 15' },
    });
    const deps = {
      ...anonymisationTestDeps(es, names),
      kafka: kafkaErasure(truncator, log, stack.config.INGEST_GROUP_ID),
    };
    const [done] = await runQueuedOperations(deps, new Date());
    assert.equal(done?.operationId, operation.operationId);
    assert.equal(done.status, 'done', JSON.stringify(done.result));
    const proof = done.result?.verification?.copies?.deadLetters;
    assert.ok(proof);
    assert.deepEqual(
      { ...proof, checks: undefined },
      {
        index: names.deadLetters,
        scanned: 4,
        rewritten: 3,
        remaining: 0,
        deletedOnDisk: 0,
        checks: undefined,
        passed: true,
      },
    );
    const dlqProofs = (done.result?.verification?.copies?.kafka ?? []).filter(
      (p) => p.topic === stack.topics.deadLetter,
    );
    assert.equal(dlqProofs.length, 3);
    for (const p of dlqProofs) {
      assert.equal(p.passed, true, JSON.stringify(p));
      assert.equal(p.logStartOffset, p.highWatermark);
    }

    const letters = await deadLetters();
    const holding = letters.filter((l) => JSON.stringify(l).includes(SESSION));
    assert.deepEqual(
      holding.map((l) => l.tenant),
      [OTHER],
      'only the other tenant’s dead letter keeps the value',
    );
    assert.equal(
      letters.filter((l) => l.anonymisation_id === operation.operationId).length,
      3,
      'rewritten in place, not deleted: support still sees that they failed',
    );
    assert.equal(
      await deletedDocsOnDisk(elasticsearchErasureStore(es, names.locks), names.deadLetters),
      0,
    );
  });

  test('a consumer reading the dead-letter topic from the earliest offset finds no value', async () => {
    // A new dead letter without the value, so the topic has something readable again.
    await stack.produce(stack.topics.gateway, ['not JSON, nothing personal']);
    await stack.waitUntilCaughtUp();
    const admin = await stack.kafka.admin();
    const ends = new Map(
      (await admin.fetchTopicOffsets(stack.topics.deadLetter))
        .filter((o) => BigInt(o.high) > BigInt(o.low))
        .map((o) => [o.partition, BigInt(o.high)]),
    );
    assert.equal(ends.size, 1, 'only the new dead letter is readable');
    const consumer = await stack.kafka.consumer('dlq-erasure-reader');
    const read: string[] = [];
    await consumer.subscribe({ topics: [stack.topics.deadLetter], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('reader timed out')), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          read.push(message.value?.toString() ?? '');
          if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) ends.delete(partition);
          if (ends.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          await Promise.resolve();
        },
      });
    });
    await consumer.stop();
    assert.equal(read.length, 1);
    assert.ok(!read.some((record) => record.includes(SESSION)));
  });

  test('a dead letter of the session made after the operation is scrubbed at ingest', async () => {
    await stack.produce(stack.topics.gateway, [
      `{"application_id":"${SESSION}","tenant_id":"${TENANT}","late":true,`,
    ]);
    await stack.waitUntilCaughtUp();
    const late = await waitFor('the late dead letter', async () => {
      const found = (await deadLetters()).filter((l) => l.payload.data.includes('"late"'));
      return found.length === 1 ? found[0] : undefined;
    });
    assert.ok(!JSON.stringify(late).includes(SESSION), 'the session is not in it');
    assert.ok(late.anonymisation_id, 'stamped with the operation');
    assert.equal(late.tenant, TENANT);
  });
});
