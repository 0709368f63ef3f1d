import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { CONTROL_HEADER } from '../../../core/src/kafka/control-record.js';
import type { Logger } from '../../../core/src/observability/logger.js';
import { registerCompressionCodecs } from './compression-codecs.js';
import { sourceDeliveryQueues, type FetchedRecords } from './delivery-queues.js';
import type { SourceBatch } from './source-record.js';

export interface KafkaSourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Partitions written at once. */
  readonly partitionsConcurrency: number;
  /** Fetch size per partition, and the bound of a partition's delivery queue. */
  readonly maxBytesPerPartition: number;
  readonly maxBytes: number;
  readonly sessionTimeoutMs: number;
}

export interface KafkaSource {
  /** Joined the group and consuming. */
  isReady(): boolean;
  /** Not crashed beyond kafkajs's own restart. */
  isLive(): boolean;
  /**
   * Stops fetching, drops queued records, lets each partition's bulk in flight finish and commit
   * (a retried one gives up uncommitted), then leaves the group.
   */
  stop(): Promise<void>;
}

/** kafkajs workers only queue records, so enough of them that one full queue holds no other. */
const QUEUEING_WORKERS = 32;

/**
 * The kafkajs consumer behind the SourceBatch seam. kafkajs fetches a round from every broker,
 * hands the batches to its workers and waits for all of them before fetching again; so
 * `eachBatch` only queues the records (source/delivery-queues.ts) and returns, and kafkajs
 * fetches the next round while Ariane's writers normalise, bulk and commit. A batch is resolved
 * (kafkajs's fetch position moves past it) once queued; it is committed (autoCommit off) by the
 * writer, one bulk at a time, after the pipeline says the bulk is stored. Any rebalance, rejoin
 * or crash drops what is queued: kafkajs then fetches again from the committed offsets. Record
 * batches compressed with gzip, snappy, lz4 or zstd are all read.
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
  const queues = sourceDeliveryQueues(options, handle, logger);
  let joined = false;
  let crashed = false;
  // kafkajs has no revocation callback: every rebalance revokes the whole assignment (eager
  // protocol), and a rejoin starts again from the committed offsets.
  consumer.on(consumer.events.REBALANCING, () => queues.revokeAll());
  consumer.on(consumer.events.GROUP_JOIN, () => {
    queues.revokeAll();
    joined = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    queues.revokeAll();
    logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    if (!payload.restart) crashed = true;
    joined = false;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: QUEUEING_WORKERS,
    eachBatch: async (payload) => {
      const last = payload.batch.messages.at(-1);
      if (last === undefined) return;
      if (await queues.push(toFetchedRecords(consumer, payload)))
        payload.resolveOffset(last.offset);
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    isReady: () => joined && !crashed && stopping === undefined,
    isLive: () => !crashed,
    stop: () =>
      (stopping ??= (async () => {
        // Nothing more is fetched while the writers finish; the queues refuse it anyway.
        consumer.pause(options.topics.map((topic) => ({ topic })));
        await queues.stop();
        await consumer.stop();
        await consumer.disconnect();
      })()),
  };
}

function toFetchedRecords(consumer: Consumer, payload: EachBatchPayload): FetchedRecords {
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
    commit: (nextOffset) => consumer.commitOffsets([{ topic, partition, offset: nextOffset }]),
    heartbeat: () => payload.heartbeat(),
    rewind: (offset) => consumer.seek({ topic, partition, offset }),
    // A seek not yet applied by a fetch: these records were fetched from before it.
    isStale: () => payload.isStale(),
  };
}
