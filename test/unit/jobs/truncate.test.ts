import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createLogger } from '../../../core/src/observability/logger.js';
import type { LogAdmin } from '../../../jobs/src/kafka/log-admin.js';
import { diskErasureBoundMs, KafkaTruncator } from '../../../jobs/src/kafka/truncate.js';
import type { PartitionWatermarks } from '../../../jobs/src/kafka/truncation-plan.js';
import { createJobMetrics } from '../../../jobs/src/metrics.js';

/** An in-memory Kafka: watermarks and commits the test sets, DeleteRecords moving `low`. */
class FakeLog implements LogAdmin {
  readonly marks = new Map<string, PartitionWatermarks[]>();
  readonly commits = new Map<string, Record<string, Record<number, bigint>>>();
  readonly deleted: string[] = [];

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
  diskSettings() {
    return Promise.resolve({ checkIntervalMs: 0, topics: {} });
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
