import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DenyListRefresher } from '../../../core/src/anonymisation/deny-list-store.js';
import { type Operation } from '../../../core/src/anonymisation/operations.js';
import { queueAnonymisation } from '../../../core/src/anonymisation/operation-log.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import { runQueuedOperations } from '../../../jobs/src/anonymisation/run-operation.js';
import { kafkaErasure } from '../../../jobs/src/kafka/kafka-erasure.js';
import { kafkaLogAdmin } from '../../../jobs/src/kafka/log-admin.js';
import { KafkaTruncator } from '../../../jobs/src/kafka/truncate.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { brokerDisk, filesHolding, shortSegments } from '../../helpers/kafka-disk.js';
import {
  anonymisationTestDeps,
  prepareAnonymisationIndices,
  TEST_DENYLIST_KEY,
} from '../../helpers/jobs.js';
import {
  gatewayLine as sessionGatewayLine,
  serviceLine as sessionServiceLine,
} from '../../helpers/session-lines.js';
import { waitFor } from '../../helpers/wait.js';

// Short segments on this test's topics only (a topic setting, no broker restart): the bound is
// then dominated by the shared broker's log.retention.check.interval.ms, read below.
const SEGMENT_MS = 5_000;
const FILE_DELETE_DELAY_MS = 1_000;
const PARTITIONS = [0, 1, 2];

const TENANT = 'tenant-erasure';
const suffix = randomBytes(4).toString('hex');
const SESSION = `sess-kx-${suffix}`;
const USER = `agent-kx-${suffix}`;
const REQUESTS = PARTITIONS.map((p) => `req-kx-${suffix}-${p}`);
/** Every personal value the session's raw records hold. */
const VALUES = [SESSION, USER, ...REQUESTS];

const gatewayLine = (requestId: string, session: string, user: string) =>
  sessionGatewayLine({ tenant: TENANT, requestId, session }, user);
const serviceLine = (requestId: string, session: string) =>
  sessionServiceLine({ tenant: TENANT, requestId, session });

const valuesOnDisk = (logDir: string, topics: readonly string[]) =>
  filesHolding(logDir, topics, PARTITIONS, VALUES);

/**
 * The time to erasure of each copy, from the request, as BENCHMARKS.md reports it: the
 * operation's own times, each partition's proof, and the on-disk deletion this test observed.
 */
function erasureFigures(
  done: Operation,
  seen: { readonly offDiskAt: number; readonly checkIntervalMs: number },
): string {
  const erasure = done.result?.erasure;
  const copies = done.result?.verification?.copies;
  const requested = Date.parse(done.createdAt);
  const after = (at: string | undefined) => (at ? `${Date.parse(at) - requested} ms` : 'n/a');
  const partitions = (copies?.kafka ?? [])
    .map((p) => `${p.topic.split('.').pop()}:${p.partition}=${p.passed ? 'unreadable' : 'FAILED'}`)
    .join(' ');
  return [
    `time to erasure from the request: events on every shard copy ${after(erasure?.eventsOnDiskAt)}`,
    `dead letters ${after(erasure?.deadLettersAt)} (passed ${String(copies?.deadLetters?.passed)})`,
    `Elasticsearch verified ${after(erasure?.elasticsearchAt)}`,
    `Kafka partitions truncated ${after(erasure?.kafkaTruncatedAt)} (${partitions})`,
    `segment files off disk ${seen.offDiskAt - requested} ms (bound ${after(erasure?.kafkaOffDiskBy)})`,
    `segment.ms ${SEGMENT_MS}, file.delete.delay.ms ${FILE_DELETE_DELAY_MS}, broker check interval ${seen.checkIntervalMs} ms`,
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  ].join('; ');
}

describe('anonymisation reaches the Kafka copies', () => {
  const stack = new IngestTestStack({ INGEST_DENYLIST_REFRESH_MS: '1000' });
  const es = stack.es.client;
  const names = indexNames(stack.prefix);
  const inputTopics = [stack.topics.gateway, stack.topics.services];
  const logger = createLogger('jobs-test', 'silent');
  const log = kafkaLogAdmin(stack.kafka.kafka);
  const truncator = new KafkaTruncator(
    { log, logger },
    { topics: inputTopics, groups: [stack.config.INGEST_GROUP_ID] },
  );
  const denyList = new DenyListRefresher({
    es,
    names,
    key: TEST_DENYLIST_KEY,
    intervalMs: 1_000,
    logger,
  });
  let operation: Operation;
  let logDir: string | undefined;
  let checkIntervalMs = 0;

  const countEvents = async (query: object) => {
    await es.indices.refresh({ index: names.eventsPattern });
    return (await es.count({ index: names.eventsPattern, query })).count;
  };

  before(async () => {
    await stack.setUp();
    const admin = await stack.kafka.admin();
    await shortSegments(admin, inputTopics, {
      segmentMs: SEGMENT_MS,
      fileDeleteDelayMs: FILE_DELETE_DELAY_MS,
    });
    ({ logDir, checkIntervalMs } = await brokerDisk(admin));
    await prepareAnonymisationIndices(es, names, stack.prefix);
    await denyList.start();
    await stack.start(es, { denyList });
  });
  after(async () => {
    await denyList.stop();
    await log.close();
    await stack.close();
  });

  test('ingest indexes the session’s records from both input topics', async () => {
    const producer = await stack.kafka.producer();
    for (const partition of PARTITIONS) {
      const requestId = REQUESTS[partition] as string;
      await producer.send({
        topic: stack.topics.gateway,
        acks: -1,
        messages: [{ partition, value: gatewayLine(requestId, SESSION, USER) }],
      });
      await producer.send({
        topic: stack.topics.services,
        acks: -1,
        messages: [{ partition, value: serviceLine(requestId, SESSION) }],
      });
    }
    await stack.waitUntilCaughtUp();
    await waitFor('the session’s six events', async () =>
      (await countEvents({ term: { 'ariane.session_id': SESSION } })) === 6 ? true : undefined,
    );
  });

  test('one operation erases Elasticsearch and truncates every input partition, with proof', async () => {
    operation = await queueAnonymisation(es, names, {
      tenant: TENANT,
      requestedBy: 'officer-1',
      request: { selector: { type: 'session_id', value: SESSION }, reason: 'DPO ticket 15' },
    });
    const deps = {
      ...anonymisationTestDeps(es, names),
      kafka: kafkaErasure(truncator, log, stack.config.INGEST_GROUP_ID),
    };
    const [done] = await runQueuedOperations(deps, new Date());
    assert.ok(done);
    operation = done;
    assert.equal(done.status, 'done', JSON.stringify(done.result));
    const copies = done.result?.verification?.copies;
    assert.equal(copies?.elasticsearch.passed, true);
    const kafka = copies?.kafka ?? [];
    assert.deepEqual(
      kafka.map((p) => `${p.topic}:${p.partition}`).sort(),
      inputTopics.flatMap((t) => PARTITIONS.map((p) => `${t}:${p}`)).sort(),
    );
    for (const proof of kafka) {
      assert.equal(proof.passed, true, JSON.stringify(proof));
      assert.ok(BigInt(proof.logStartOffset) >= BigInt(proof.committedAtStart ?? '0'));
      assert.equal(proof.logStartOffset, proof.highWatermark, 'everything was ingested');
      assert.equal(proof.tailMatches, 0);
    }
    const erasure = done.result?.erasure;
    assert.ok(erasure?.kafkaTruncatedAt && erasure.kafkaOffDiskBy);
    const bound = Date.parse(erasure.kafkaOffDiskBy) - Date.parse(erasure.kafkaTruncatedAt);
    assert.equal(bound, SEGMENT_MS + FILE_DELETE_DELAY_MS + 2 * checkIntervalMs);
    assert.ok(erasure.timeToErasureMs >= bound);
    assert.equal(await countEvents({ term: { 'ariane.session_id': SESSION } }), 0);
  });

  test('a consumer reading every input topic from the earliest offset finds none of the values', async () => {
    // Other traffic on every partition: it rolls the segments the session's records are in.
    const producer = await stack.kafka.producer();
    for (const partition of PARTITIONS)
      for (const [topic, value] of [
        [stack.topics.gateway, gatewayLine(`req-other-${partition}`, 'sess-other', 'agent-other')],
        [stack.topics.services, serviceLine(`req-other-${partition}`, 'sess-other')],
      ] as const)
        await producer.send({ topic, acks: -1, messages: [{ partition, value }] });

    const admin = await stack.kafka.admin();
    const consumer = await stack.kafka.consumer('erasure-reader');
    const remaining = new Map<string, bigint>();
    for (const topic of inputTopics)
      for (const { partition, low, high } of (await admin.fetchTopicOffsets(topic)).map((o) => ({
        partition: o.partition,
        low: BigInt(o.low),
        high: BigInt(o.high),
      })))
        if (high > low) remaining.set(`${topic}:${partition}`, high);
    assert.equal(remaining.size, PARTITIONS.length * 2, 'the other traffic is readable');
    const read: string[] = [];
    await consumer.subscribe({ topics: inputTopics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('reader timed out')), 30_000);
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          read.push(message.value?.toString() ?? '');
          const key = `${topic}:${partition}`;
          if (BigInt(message.offset) + 1n >= (remaining.get(key) ?? 0n)) remaining.delete(key);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          await Promise.resolve();
        },
      });
    });
    await consumer.stop();
    assert.equal(read.length, PARTITIONS.length * 2);
    for (const value of VALUES)
      assert.ok(!read.some((record) => record.includes(value)), `a readable record holds ${value}`);
  });

  test('the broker’s log directory holds none of the values within the stated bound', async (t) => {
    if (!logDir) {
      t.skip('the broker’s log directory is not on this machine');
      return;
    }
    const erasure = operation.result?.erasure;
    assert.ok(erasure?.kafkaOffDiskBy && erasure.kafkaTruncatedAt);
    const deadline = Date.parse(erasure.kafkaOffDiskBy);
    const dir = logDir;
    // The bound holds for partitions that keep receiving records (a segment rolls on an append
    // once `segment.ms` has passed): other traffic goes on arriving, as in production.
    const producer = await stack.kafka.producer();
    let filler = 0;
    const clean = await waitFor(
      'the truncated segments to be deleted from disk',
      async () => {
        if (valuesOnDisk(dir, inputTopics).length === 0) return Date.now();
        filler += 1;
        for (const partition of PARTITIONS)
          await producer.send({
            topic: stack.topics.services,
            acks: -1,
            messages: [{ partition, value: serviceLine(`req-filler-${filler}`, 'sess-other') }],
          });
        for (const partition of PARTITIONS)
          await producer.send({
            topic: stack.topics.gateway,
            acks: -1,
            messages: [
              {
                partition,
                value: gatewayLine(`req-filler-${filler}`, 'sess-other', 'agent-other'),
              },
            ],
          });
        return undefined;
      },
      { timeoutMs: Math.max(deadline - Date.now(), 0) + 15_000, intervalMs: 1_000 },
    );
    t.diagnostic(erasureFigures(operation, { offDiskAt: clean, checkIntervalMs }));
    // The broker's retention check runs on its own timer: a second of slack for the scheduler.
    assert.ok(clean <= deadline + 1_000, `off disk ${clean - deadline} ms after the bound`);
  });

  test('late records of the selector are still anonymised at ingest, then truncated', async () => {
    const late = `req-kx-late-${suffix}`;
    await stack.produce(stack.topics.services, [serviceLine(late, SESSION)]);
    await stack.waitUntilCaughtUp();
    await waitFor('the late event, anonymised', async () =>
      (await countEvents({ term: { 'ariane.anonymisation_id': operation.operationId } })) >= 7
        ? true
        : undefined,
    );
    assert.equal(await countEvents({ term: { 'ariane.session_id': SESSION } }), 0);
    assert.equal(await countEvents({ term: { 'http.request.id': late } }), 0);
    const report = await truncator.run(new Date());
    for (const state of report.partitions) assert.equal(state.logStart, state.high);
  });
});
