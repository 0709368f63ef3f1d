import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createLogger } from '../../../core/src/observability/logger.js';
import type { LogAdmin } from '../../../jobs/src/kafka/log-admin.js';
import {
  diskErasureBoundMs,
  idleDiskErasureBoundMs,
  KafkaTruncator,
} from '../../../jobs/src/kafka/truncate.js';
import type { PartitionWatermarks } from '../../../jobs/src/kafka/truncation-plan.js';
import { createJobMetrics } from '../../../jobs/src/metrics.js';

/** An in-memory Kafka: watermarks and commits the test sets, DeleteRecords moving `low`. */
/** [outcome, count] of ariane_kafka_segment_roll_markers_total. */
async function markerOutcomes(registry: Registry) {
  const markers = await registry.getSingleMetric('ariane_kafka_segment_roll_markers_total')?.get();
  return markers?.values.map((v) => [v.labels.outcome, v.value]);
}

class FakeLog implements LogAdmin {
  readonly marks = new Map<string, PartitionWatermarks[]>();
  readonly commits = new Map<string, Record<string, Record<number, bigint>>>();
  readonly deleted: string[] = [];
  readonly appended: string[] = [];
  segmentMs = 0;
  appendFails = false;

  watermarks(topic: string) {
    return Promise.resolve((this.marks.get(topic) ?? []).map((m) => ({ ...m })));
  }
  committed(groupId: string, topics: readonly string[]) {
    const all = this.commits.get(groupId) ?? {};
    return Promise.resolve(Object.fromEntries(topics.map((t) => [t, all[t] ?? {}])));
  }
  deleteRecords(topic: string, partitions: readonly { partition: number; offset: bigint }[]) {
    for (const { partition, offset } of partitions) {
      const mark = this.marks.get(topic)?.find((m) => m.partition === partition);
      if (!mark) throw new Error('no such partition');
      this.deleted.push(`${topic}:${partition}:${offset}`);
      const list = this.marks.get(topic) ?? [];
      this.marks.set(
        topic,
        list.map((m) => (m.partition === partition && offset > m.low ? { ...m, low: offset } : m)),
      );
    }
    return Promise.resolve();
  }
  scan() {
    return Promise.resolve();
  }
  appendControl(topic: string, partitions: readonly number[], kind: string) {
    if (this.appendFails) return Promise.reject(new Error('TOPIC_AUTHORIZATION_FAILED'));
    return Promise.resolve(
      partitions.map((partition) => {
        const mark = this.marks.get(topic)?.find((m) => m.partition === partition);
        if (!mark) throw new Error('no such partition');
        this.appended.push(`${topic}:${partition}:${kind}:${mark.high}`);
        const offset = mark.high;
        this.marks.set(
          topic,
          (this.marks.get(topic) ?? []).map((m) =>
            m.partition === partition ? { ...m, high: m.high + 1n } : m,
          ),
        );
        return { partition, offset };
      }),
    );
  }
  diskSettings(topics: readonly string[]) {
    const own = { segmentMs: this.segmentMs, fileDeleteDelayMs: 0 };
    return Promise.resolve({
      checkIntervalMs: 0,
      topics: Object.fromEntries(topics.map((t) => [t, own])),
    });
  }
  close() {
    return Promise.resolve();
  }
}

describe('KafkaTruncator', () => {
  const logger = createLogger('test', 'silent');

  test('truncates to the commits, reports log starts, and spots a topic recreated between runs', async () => {
    const log = new FakeLog();
    const registry = new Registry();
    const metrics = createJobMetrics(registry);
    log.marks.set('gw', [
      { partition: 0, low: 0n, high: 10n },
      { partition: 1, low: 0n, high: 8n },
    ]);
    log.commits.set('ingest', { gw: { 0: 10n, 1: 6n } });
    const truncator = new KafkaTruncator(
      { log, logger, metrics },
      { topics: ['gw'], groups: ['ingest'] },
    );
    const first = await truncator.run(new Date('2024-03-10T10:00:00Z'));
    assert.deepEqual(log.deleted, ['gw:0:10', 'gw:1:6']);
    assert.deepEqual(
      first.partitions.map((p) => [p.partition, p.logStart, p.high, p.lowestCommit]),
      [
        [0, 10n, 10n, 10n],
        [1, 6n, 8n, 6n],
      ],
    );
    const truncated = await registry.getSingleMetric('ariane_kafka_records_truncated_total')?.get();
    assert.equal(truncated?.values[0]?.value, 16);
    const kept = await registry.getSingleMetric('ariane_kafka_records_untruncated')?.get();
    assert.equal(kept?.values[0]?.value, 2);

    // The topic is deleted and recreated: new, lower watermarks, and the old commits remain.
    log.marks.set('gw', [
      { partition: 0, low: 0n, high: 3n },
      { partition: 1, low: 0n, high: 7n },
    ]);
    const second = await truncator.run(new Date('2024-03-10T10:05:00Z'));
    assert.deepEqual(log.deleted, ['gw:0:10', 'gw:1:6']);
    assert.deepEqual(
      second.skipped.map((s) => `${s.partition}:${s.reason}`),
      ['0:recreated', '1:recreated'],
    );
  });
});

describe('KafkaTruncator on the dead-letter topic', () => {
  test('truncates it to its end whatever the input groups committed', async () => {
    const log = new FakeLog();
    log.marks.set('gw', [{ partition: 0, low: 0n, high: 10n }]);
    log.marks.set('dlq', [
      { partition: 0, low: 0n, high: 4n },
      { partition: 1, low: 2n, high: 2n },
    ]);
    log.commits.set('ingest', { gw: { 0: 5n } });
    const truncator = new KafkaTruncator(
      { log, logger: createLogger('test', 'silent') },
      { topics: ['gw'], groups: ['ingest', 'siem'], indexedTopics: ['dlq'] },
    );
    const report = await truncator.run(new Date('2024-03-10T10:00:00Z'));
    // The SIEM group has no commit on gw: gw stays whole; the dead letters are all indexed.
    assert.deepEqual(log.deleted, ['dlq:0:4']);
    assert.deepEqual(
      report.partitions.map((p) => `${p.topic}:${p.partition}:${p.logStart}:${p.lowestCommit}`),
      ['gw:0:0:undefined', 'dlq:0:4:4', 'dlq:1:2:2'],
    );
    assert.deepEqual(
      report.skipped.map((s) => `${s.topic}:${s.partition}:${s.reason}`),
      ['gw:0:no_commit', 'dlq:1:up_to_date'],
    );
  });
});

describe('KafkaTruncator with segment-roll markers', () => {
  test('marks a partition idle for segment.ms once, then truncates the marker like any record', async () => {
    const log = new FakeLog();
    const registry = new Registry();
    const metrics = createJobMetrics(registry);
    log.segmentMs = 600_000;
    log.marks.set('gw', [
      { partition: 0, low: 0n, high: 5n },
      { partition: 1, low: 0n, high: 4n },
    ]);
    log.commits.set('ingest', { gw: { 0: 5n, 1: 3n } });
    const truncator = new KafkaTruncator(
      { log, logger: createLogger('test', 'silent'), metrics },
      { topics: ['gw'], groups: ['ingest'], rollIdleSegments: true },
    );
    const at = (minutes: number) => new Date(Date.UTC(2024, 2, 10, 10, minutes));
    assert.deepEqual((await truncator.run(at(0))).markers, []);
    // Partition 1 keeps a record nobody committed: never marked.
    assert.deepEqual((await truncator.run(at(5))).markers, []);
    const third = await truncator.run(at(10));
    assert.deepEqual(third.markers, [{ topic: 'gw', partition: 0, offset: 5n }]);
    assert.deepEqual(log.appended, ['gw:0:segment-roll:5']);
    // Ingest commits past the marker; the next run truncates it and places no other.
    log.commits.set('ingest', { gw: { 0: 6n, 1: 3n } });
    assert.deepEqual((await truncator.run(at(15))).markers, []);
    assert.deepEqual((await truncator.run(at(40))).markers, []);
    assert.deepEqual(log.deleted, ['gw:0:5', 'gw:1:3', 'gw:0:6']);
    assert.deepEqual(await markerOutcomes(registry), [['appended', 1]]);
  });

  test('a refused append is counted and retried on the next run; off, nothing is appended', async () => {
    const log = new FakeLog();
    const registry = new Registry();
    log.segmentMs = 1;
    log.marks.set('dlq', [{ partition: 0, low: 0n, high: 2n }]);
    log.appendFails = true;
    const truncator = new KafkaTruncator(
      { log, logger: createLogger('test', 'silent'), metrics: createJobMetrics(registry) },
      { topics: [], groups: ['ingest'], indexedTopics: ['dlq'], rollIdleSegments: true },
    );
    await truncator.run(new Date(0));
    assert.deepEqual((await truncator.run(new Date(10))).markers, []);
    assert.deepEqual(await markerOutcomes(registry), [['failed', 1]]);
    log.appendFails = false;
    assert.deepEqual((await truncator.run(new Date(20))).markers, [
      { topic: 'dlq', partition: 0, offset: 2n },
    ]);

    const off = new FakeLog();
    off.segmentMs = 1;
    off.marks.set('dlq', [{ partition: 0, low: 0n, high: 2n }]);
    const quiet = new KafkaTruncator(
      { log: off, logger: createLogger('test', 'silent') },
      { topics: [], groups: ['ingest'], indexedTopics: ['dlq'] },
    );
    await quiet.run(new Date(0));
    await quiet.run(new Date(10));
    assert.deepEqual(off.appended, []);
  });
});

describe('idleDiskErasureBoundMs', () => {
  test('the busy partition’s bound plus one truncation period', () => {
    const settings = {
      checkIntervalMs: 300_000,
      topics: { gw: { segmentMs: 600_000, fileDeleteDelayMs: 60_000 } },
    };
    assert.equal(idleDiskErasureBoundMs(settings, ['gw'], 300_000), 1_560_000);
  });
});

describe('diskErasureBoundMs', () => {
  test('the slowest topic’s segment roll and file delay, plus two broker check intervals', () => {
    const settings = {
      checkIntervalMs: 300_000,
      topics: {
        gw: { segmentMs: 600_000, fileDeleteDelayMs: 60_000 },
        sv: { segmentMs: 300_000, fileDeleteDelayMs: 120_000 },
        other: { segmentMs: 99_000_000, fileDeleteDelayMs: 0 },
      },
    };
    assert.equal(diskErasureBoundMs(settings, ['gw', 'sv']), 1_260_000);
    assert.equal(diskErasureBoundMs(settings, ['sv']), 1_020_000);
  });
});
