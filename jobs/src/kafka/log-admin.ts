import { randomUUID } from 'node:crypto';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { createProducer } from '../../../core/src/kafka/client.js';
import { CONTROL_HEADER, type ControlKind } from '../../../core/src/kafka/control-record.js';
import { brokerCheckIntervalMs } from './topic-policy.js';
import type { OffsetsByPartition, PartitionWatermarks } from './truncation-plan.js';

/**
 * What the jobs need from Kafka to truncate the input topics and prove it: offsets, DeleteRecords,
 * a bounded read, and the one write, a control record that makes an idle partition roll. kafkajs stops in this file; the jobs see offsets as bigint (Kafka's are
 * int64) and record values as bytes.
 *
 * Contract:
 * - every method resolves only with what the brokers answered, and rejects when they fail or a
 *   topic does not exist; nothing is cached between calls;
 * - `deleteRecords` is idempotent: an offset at or below a partition's log start changes nothing.
 *   It resolves once every partition leader has moved its log start offset, from which moment the
 *   records below it can no longer be read by anyone; their bytes stay in the segment files until
 *   the broker deletes whole segments (see `DiskSettings`);
 * - `scan` reads without committing anything and leaves no consumer group behind;
 * - `appendControl` appends one record per partition carrying the `CONTROL_HEADER` header with
 *   `kind` as its value and an empty value, acknowledged by every in-sync replica, and resolves
 *   with each record's offset. It needs write permission on the topic;
 * - `close` is idempotent.
 */
export interface LogAdmin {
  watermarks(topic: string): Promise<PartitionWatermarks[]>;
  /** The group's committed offsets on `topics`; partitions without a commit are absent. */
  committed(groupId: string, topics: readonly string[]): Promise<OffsetsByPartition>;
  deleteRecords(
    topic: string,
    partitions: readonly { readonly partition: number; readonly offset: bigint }[],
  ): Promise<void>;
  /**
   * Calls `visit` with every record value of each range [from, to), in offset order per
   * partition, and resolves once every range is read. Rejects after `timeoutMs`.
   */
  scan(
    topic: string,
    ranges: readonly ScanRange[],
    visit: (value: Buffer | null, partition: number, offset: bigint) => void,
    timeoutMs?: number,
  ): Promise<void>;
  appendControl(
    topic: string,
    partitions: readonly number[],
    kind: ControlKind,
  ): Promise<{ readonly partition: number; readonly offset: bigint }[]>;
  diskSettings(topics: readonly string[]): Promise<DiskSettings>;
  close(): Promise<void>;
}

export interface ScanRange {
  readonly partition: number;
  readonly from: bigint;
  readonly to: bigint;
}

/**
 * The settings that bound how long a truncated record's bytes stay on a broker's disk. A record
 * below the log start offset is unreadable at once, but its segment file goes only when the whole
 * segment lies below that offset: after the segment rolled (on the first append `segment.ms` after
 * it opened, or at `segment.bytes`), at the next retention check (every
 * `log.retention.check.interval.ms`, a broker setting), then `file.delete.delay.ms` later.
 */
export interface DiskSettings {
  /** The largest `log.retention.check.interval.ms` among the brokers. */
  readonly checkIntervalMs: number;
  readonly topics: Readonly<
    Record<string, { readonly segmentMs: number; readonly fileDeleteDelayMs: number }>
  >;
}

// kafkajs is CommonJS and Node cannot see this enum as a named export.
const { ConfigResourceTypes } = kafkajs;
/** Kafka's defaults, used when a broker does not report a value. */
const DEFAULT_SEGMENT_MS = 7 * 86_400_000;
const DEFAULT_FILE_DELETE_DELAY_MS = 60_000;

const numberOr = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(parsed) ? parsed : fallback;
};

/** The LogAdmin on a kafkajs client. One admin connection, opened on first use. */
export function kafkaLogAdmin(kafka: Kafka): LogAdmin {
  let admin: Promise<Admin> | undefined;
  const connected = (): Promise<Admin> => {
    admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })();
    return admin;
  };
  return {
    async watermarks(topic) {
      const offsets = await (await connected()).fetchTopicOffsets(topic);
      return offsets.map(({ partition, low, high }) => ({
        partition,
        low: BigInt(low),
        high: BigInt(high),
      }));
    },
    async committed(groupId, topics) {
      const fetched = await (await connected()).fetchOffsets({ groupId, topics: [...topics] });
      const result: Record<string, Record<number, bigint>> = {};
      for (const { topic, partitions } of fetched) {
        const byPartition: Record<number, bigint> = {};
        for (const { partition, offset } of partitions) {
          const value = BigInt(offset);
          if (value >= 0n) byPartition[partition] = value;
        }
        result[topic] = byPartition;
      }
      return result;
    },
    async deleteRecords(topic, partitions) {
      if (partitions.length === 0) return;
      await (
        await connected()
      ).deleteTopicRecords({
        topic,
        partitions: partitions.map(({ partition, offset }) => ({
          partition,
          offset: offset.toString(),
        })),
      });
    },
    async scan(topic, ranges, visit, timeoutMs = 60_000) {
      const wanted = ranges.filter(({ from, to }) => from < to);
      if (wanted.length === 0) return;
      // A throwaway group that never commits: Kafka forgets it once its only member leaves.
      const consumer = kafka.consumer({
        groupId: `ariane-jobs-scan-${randomUUID()}`,
        allowAutoTopicCreation: false,
      });
      const pending = new Map(wanted.map((range) => [range.partition, range]));
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`scan of ${topic} did not finish within ${timeoutMs} ms`)),
            timeoutMs,
          );
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          consumer.on(consumer.events.CRASH, ({ payload }) => {
            clearTimeout(timer);
            reject(payload.error);
          });
          consumer
            .run({
              autoCommit: false,
              eachBatch: async ({ batch }) => {
                const range = pending.get(batch.partition);
                if (!range) return;
                for (const message of batch.messages) {
                  const offset = BigInt(message.offset);
                  if (offset < range.from) continue;
                  if (offset >= range.to) break;
                  visit(message.value, batch.partition, offset);
                }
                const next = BigInt(batch.lastOffset()) + 1n;
                // Control records and compaction can leave gaps: the high watermark also ends it.
                if (next >= range.to || BigInt(batch.highWatermark) <= next) {
                  pending.delete(batch.partition);
                  if (pending.size === 0) done();
                }
                await Promise.resolve();
              },
            })
            .then(() => {
              for (const { partition, from } of wanted)
                consumer.seek({ topic, partition, offset: from.toString() });
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
    },
    async appendControl(topic, partitions, kind) {
      if (partitions.length === 0) return [];
      // Rare (an idle partition at most once per idle spell): a producer per call, not kept open.
      const producer = createProducer(kafka);
      await producer.connect();
      try {
        const sent = await producer.send({
          topic,
          acks: -1,
          messages: partitions.map((partition) => ({
            partition,
            value: Buffer.alloc(0),
            headers: { [CONTROL_HEADER]: kind },
          })),
        });
        return sent.map(({ partition, baseOffset }) => {
          if (baseOffset === undefined)
            throw new Error(`no offset for the control record on ${topic}:${partition}`);
          return { partition, offset: BigInt(baseOffset) };
        });
      } finally {
        await producer.disconnect();
      }
    },
    async diskSettings(topics) {
      const client = await connected();
      const described = await client.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['segment.ms', 'file.delete.delay.ms'],
        })),
      });
      const settings: Record<string, { segmentMs: number; fileDeleteDelayMs: number }> = {};
      for (const resource of described.resources) {
        const value = (name: string) =>
          resource.configEntries.find((entry) => entry.configName === name)?.configValue;
        settings[resource.resourceName] = {
          segmentMs: numberOr(value('segment.ms'), DEFAULT_SEGMENT_MS),
          fileDeleteDelayMs: numberOr(value('file.delete.delay.ms'), DEFAULT_FILE_DELETE_DELAY_MS),
        };
      }
      return {
        checkIntervalMs: await brokerCheckIntervalMs(client),
        topics: settings,
      };
    },
    async close() {
      const opened = admin;
      admin = undefined;
      if (opened) await (await opened).disconnect();
    },
  };
}
