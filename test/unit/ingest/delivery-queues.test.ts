import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createLogger } from '../../../core/src/observability/logger.js';
import {
  createDeliveryQueues,
  type DeliveryQueueSettings,
  type FetchedRecords,
} from '../../../ingest/src/source/delivery-queues.js';
import type { SourceBatch } from '../../../ingest/src/source/source-record.js';

const logger = createLogger('test', 'silent');
const settings: DeliveryQueueSettings = { maxBytesPerPartition: 10, writers: 1, retryMs: 1 };

/** A scripted client: what it committed and rewound, per partition, in order. */
function client() {
  const commits: string[] = [];
  const rewinds: string[] = [];
  const stale = new Set<string>();
  const fetched = (
    partition: number,
    first: number,
    count: number,
    bytesEach = 1,
  ): FetchedRecords => ({
    topic: 't',
    partition,
    highWatermark: '1000',
    records: Array.from({ length: count }, (_, i) => ({
      topic: 't',
      partition,
      offset: String(first + i),
      value: Buffer.alloc(bytesEach),
    })),
    commit: (next) => {
      commits.push(`${partition}:${next}`);
      return Promise.resolve();
    },
    heartbeat: () => Promise.resolve(),
    rewind: (offset) => {
      rewinds.push(`${partition}:${offset}`);
      stale.add(`${partition}`);
    },
    isStale: () => stale.has(`${partition}`),
  });
  return { commits, rewinds, stale, fetched };
}

/** A handler that writes when told to, so tests decide what is in flight. */
function gatedHandler() {
  const seen: SourceBatch[] = [];
  const gates: (() => void)[] = [];
  const handle = async (batch: SourceBatch) => {
    seen.push(batch);
    await new Promise<void>((resolve) => gates.push(resolve));
    await batch.commit(batch.records.at(-1)!.offset);
  };
  const release = async () => {
    for (let i = 0; i < 50 && gates.length === 0; i += 1) await nextTurn();
    gates.shift()?.();
    for (let i = 0; i < 5; i += 1) await nextTurn();
  };
  return { seen, handle, release };
}

const offsets = (batch: SourceBatch | undefined) => batch?.records.map((r) => Number(r.offset));

void describe('delivery queues', () => {
  void test('push returns at once; the writer gets queued fetches together, in order, and commits in order', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    assert.equal(await queues.push(kafka.fetched(0, 0, 3)), true);
    // The first fetch is being written; two more arrive meanwhile and are queued, not written.
    assert.equal(await queues.push(kafka.fetched(0, 3, 2)), true);
    assert.equal(await queues.push(kafka.fetched(0, 5, 2)), true);
    assert.deepEqual(offsets(writer.seen[0]), [0, 1, 2]);
    assert.equal(queues.queuedRecords(), 4);
    await writer.release();
    assert.deepEqual(offsets(writer.seen[1]), [3, 4, 5, 6]);
    await writer.release();
    assert.deepEqual(kafka.commits, ['0:3', '0:7']);
    assert.equal(queues.queuedRecords(), 0);
  });

  void test('a record fetched twice is queued once', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    await queues.push(kafka.fetched(0, 0, 3));
    await queues.push(kafka.fetched(0, 2, 3));
    await writer.release();
    assert.deepEqual(offsets(writer.seen[1]), [3, 4]);
    await writer.release();
  });

  void test('a full queue holds the push back until the writer takes its records', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    await queues.push(kafka.fetched(0, 0, 1, 4)); // being written
    await queues.push(kafka.fetched(0, 1, 1, 12)); // queued: 12 bytes, over the bound of 10
    let third = false;
    const pushing = queues.push(kafka.fetched(0, 2, 1, 1)).then((taken) => (third = taken));
    for (let i = 0; i < 10; i += 1) await nextTurn();
    assert.equal(third, false, 'the push waits while the queue is at its bound');
    await writer.release(); // the writer takes offset 1, the queue empties
    await pushing;
    assert.equal(third, true);
    await writer.release();
    await writer.release();
    assert.deepEqual(kafka.commits, ['0:1', '0:2', '0:3']);
  });

  void test('other partitions are written while one is held; at most `writers` at once', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues({ ...settings, writers: 2 }, writer.handle, logger);
    await queues.push(kafka.fetched(0, 0, 1));
    await queues.push(kafka.fetched(1, 0, 1));
    await queues.push(kafka.fetched(2, 0, 1));
    await nextTurn();
    assert.deepEqual(
      writer.seen.map((b) => b.partition),
      [0, 1],
    );
    await writer.release();
    assert.deepEqual(
      writer.seen.map((b) => b.partition),
      [0, 1, 2],
    );
    await writer.release();
    await writer.release();
    assert.deepEqual([...kafka.commits].sort(), ['0:1', '1:1', '2:1']);
  });

  void test('a revocation drops what is queued and the bulk in flight commits nothing', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    await queues.push(kafka.fetched(0, 0, 3));
    await queues.push(kafka.fetched(0, 3, 3));
    queues.revokeAll();
    assert.equal(writer.seen[0]?.isActive(), false);
    assert.equal(queues.queuedRecords(), 0);
    await writer.release();
    assert.deepEqual(kafka.commits, [], 'nothing committed after the revocation');
    assert.equal(writer.seen.length, 1, 'the queued records were never handed over');
    // After the rejoin the client fetches again from the committed offset: taken afresh.
    assert.equal(await queues.push(kafka.fetched(0, 0, 2)), true);
    await writer.release();
    assert.deepEqual(offsets(writer.seen[1]), [0, 1]);
    assert.deepEqual(kafka.commits, ['0:2']);
  });

  void test('a push waiting for room is refused when the assignment changes', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    await queues.push(kafka.fetched(0, 0, 1, 4));
    await queues.push(kafka.fetched(0, 1, 1, 12));
    const waiting = queues.push(kafka.fetched(0, 2, 1));
    queues.revokeAll();
    assert.equal(await waiting, false);
    await writer.release();
    assert.deepEqual(kafka.commits, []);
  });

  void test('a failed write rewinds the partition to its first uncommitted record', async () => {
    const kafka = client();
    const handled: number[][] = [];
    let fail = true;
    const queues = createDeliveryQueues(
      settings,
      async (batch) => {
        handled.push(offsets(batch)!);
        await batch.commit(batch.records[1]!.offset); // the first bulk is stored
        if (fail) throw new Error('dead-letter topic unavailable');
        await batch.commit(batch.records.at(-1)!.offset);
      },
      logger,
    );
    await queues.push(kafka.fetched(0, 0, 4));
    for (let i = 0; i < 20 && kafka.rewinds.length === 0; i += 1) await nextTurn();
    assert.deepEqual(kafka.rewinds, ['0:2']);
    // Records fetched before the rewind took effect are not taken: they would skip 2 and 3.
    assert.equal(await queues.push(kafka.fetched(0, 4, 2)), false);
    kafka.stale.clear();
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await queues.push(kafka.fetched(0, 2, 4)), true);
    for (let i = 0; i < 20 && kafka.commits.length < 3; i += 1) await nextTurn();
    assert.deepEqual(handled, [
      [0, 1, 2, 3],
      [2, 3, 4, 5],
    ]);
    assert.deepEqual(kafka.commits, ['0:2', '0:4', '0:6']);
    await queues.stop();
  });

  void test('stop refuses new records, drops the queue, and lets the bulk in flight commit', async () => {
    const kafka = client();
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    await queues.push(kafka.fetched(0, 0, 2));
    await queues.push(kafka.fetched(0, 2, 2));
    const stopped = queues.stop();
    assert.equal(writer.seen[0]?.isActive(), false, 'no further bulk once stopping');
    assert.equal(await queues.push(kafka.fetched(0, 4, 1)), false);
    await writer.release();
    await stopped;
    assert.deepEqual(kafka.commits, ['0:2']);
    assert.equal(writer.seen.length, 1);
  });
});

void describe('delivery queues, revoked writers', () => {
  void test('stop waits for a revoked writer still finishing, which no longer heartbeats', async () => {
    const kafka = client();
    let heartbeats = 0;
    const writer = gatedHandler();
    const queues = createDeliveryQueues(settings, writer.handle, logger);
    const fetched = kafka.fetched(0, 0, 2);
    await queues.push({
      ...fetched,
      heartbeat: () => {
        heartbeats += 1;
        return Promise.resolve();
      },
    });
    queues.revokeAll();
    // The partition comes back after the rejoin: a new writer, the old one still in flight.
    await queues.push(kafka.fetched(0, 0, 2));
    await writer.seen[0]!.heartbeat();
    assert.equal(heartbeats, 0, 'a revoked writer does not heartbeat');
    let stopped = false;
    const stopping = queues.stop().then(() => (stopped = true));
    for (let i = 0; i < 10; i += 1) await nextTurn();
    assert.equal(stopped, false, 'stop waits for the revoked writer');
    await writer.release();
    await stopping;
    assert.deepEqual(
      kafka.commits,
      [],
      'the revoked bulk commits nothing, the queued one was dropped',
    );
    assert.equal(writer.seen.length, 1);
  });
});
