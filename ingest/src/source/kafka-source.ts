import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { CONTROL_HEADER } from '../../../core/src/kafka/control-record.js';
import type { Logger } from '../../../core/src/observability/logger.js';
import { registerCompressionCodecs } from './compression-codecs.js';
import type { SourceBatch } from './source-record.js';

export interface KafkaSourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly partitionsConcurrency: number;
  readonly maxBytesPerPartition: number;
  readonly maxBytes: number;
  readonly sessionTimeoutMs: number;
}

export interface KafkaSource {
  /** Joined the group and consuming. */
  isReady(): boolean;
  /** Not crashed beyond kafkajs's own restart. */
  isLive(): boolean;
  /** Waits for in-flight batches (which stop retrying once stopped), then leaves the group. */
  stop(): Promise<void>;
}

/**
 * The kafkajs consumer behind the SourceBatch seam. Offsets are committed explicitly, one bulk at
 * a time, after the pipeline says the bulk is stored (autoCommit off, eachBatchAutoResolve off).
 * Partitions are processed concurrently, so bulks to Elasticsearch overlap with each other and
 * with kafkajs fetching the next batches. Record batches compressed with gzip, snappy, lz4 or zstd
 * are all read.
 */
export async function startKafkaSource(
  kafka: Kafka,
  options: KafkaSourceOptions,
  handle: (batch: SourceBatch) => Promise<void>,
  logger: Logger,
): Promise<KafkaSource> {
  // Before any fetch: shippers may compress with snappy, lz4 or zstd, which kafkajs cannot read.
  registerCompressionCodecs();
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: options.maxBytesPerPartition,
    maxBytes: options.maxBytes,
  });
  let joined = false;
  let crashed = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    if (!payload.restart) crashed = true;
    joined = false;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConcurrency,
    eachBatch: (payload) => handle(toSourceBatch(consumer, payload)),
  });
  let stopping: Promise<void> | undefined;
  return {
    isReady: () => joined && !crashed && stopping === undefined,
    isLive: () => !crashed,
    stop: () =>
      (stopping ??= (async () => {
        await consumer.stop();
        await consumer.disconnect();
      })()),
  };
}

function toSourceBatch(consumer: Consumer, payload: EachBatchPayload): SourceBatch {
  const { batch } = payload;
  const { topic, partition } = batch;
  return {
    topic,
    partition,
    highWatermark: batch.highWatermark,
    records: batch.messages.map((message) => {
      const control = message.headers?.[CONTROL_HEADER];
      return {
        topic,
        partition,
        offset: message.offset,
        value: message.value,
        ...(control !== undefined && { control: String(control) }),
      };
    }),
    async commit(offset) {
      payload.resolveOffset(offset);
      await consumer.commitOffsets([
        { topic, partition, offset: (BigInt(offset) + 1n).toString() },
      ]);
    },
    heartbeat: () => payload.heartbeat(),
    isActive: () => payload.isRunning() && !payload.isStale(),
  };
}
