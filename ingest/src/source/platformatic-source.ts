import zlib from 'node:zlib';
import {
  compressionsAlgorithms,
  Consumer,
  type Message,
  type MessagesStream,
  type SASLOptions,
} from '@platformatic/kafka';
import type { KafkaConnection } from '../../../core/src/kafka/client.js';
import { CONTROL_HEADER } from '../../../core/src/kafka/control-record.js';
import type { Logger } from '../../../core/src/observability/logger.js';
import { decompressZstd } from './compression-codecs.js';
import { sourceDeliveryQueues, type FetchedRecords } from './delivery-queues.js';
import type { KafkaSource, KafkaSourceOptions } from './kafka-source.js';
import type { SourceBatch, SourceRecord } from './source-record.js';

const REOPEN_PAUSE_MS = 2_000;

const SASL_MECHANISMS = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
} as const;

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
type FetchCallback = (error: Error | null, response?: FetchResponse) => void;
type BrokerFetch = (options: Parameters<Consumer['fetch']>[0], callback: FetchCallback) => void;

/**
 * The @platformatic/kafka consumer behind the SourceBatch seam: a bench contender beside the
 * kafkajs source (INGEST_KAFKA_CLIENT=platformatic), same contract. Its MessagesStream keeps
 * the group membership and heartbeats on its own timer, fetches each partition from the offset
 * in its `offsetsToFetch` map, emits one message at a time and refreshes the offsets from the
 * group's commits after every join. Autocommit is off: writers commit through `consumer.commit`
 * after the pipeline says the bulk is stored.
 *
 * The stream has no seek and no hook between a fetch and its messages, so this source wraps the
 * consumer's `fetch`, which the stream calls for every broker request (pinned: 1.35.0):
 * - a response to a request made before a rewind, a revocation or the stop is forgotten before
 *   the stream sees it, so it neither delivers records from before the reset nor moves the
 *   fetch position past the rewound one;
 * - the stream emits a response's messages synchronously (it flows, nothing is buffered), so
 *   after the stream's callback every message of the response was collected and is handed to
 *   the delivery queues by partition, and the next request waits until they took it: the bound
 *   of a partition's queue is the back-pressure on fetching, as with kafkajs.
 * gzip, snappy and lz4 batches are read by the client; zstd needs Node's zlib zstd (Node 22.15+)
 * and falls back to fzstd before that.
 */
export async function startPlatformaticSource(
  connection: KafkaConnection,
  options: KafkaSourceOptions,
  handle: (batch: SourceBatch) => Promise<void>,
  logger: Logger,
): Promise<KafkaSource> {
  readZstdWithoutZlibSupport();
  const sasl = saslOf(connection);
  const consumer = new Consumer({
    clientId: connection.KAFKA_CLIENT_ID,
    bootstrapBrokers: [...connection.KAFKA_BROKERS],
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: 3_000,
    maxBytes: options.maxBytes,
    maxBytesPerPartition: options.maxBytesPerPartition,
    autocommit: false,
    retries: 8,
    retryDelay: 300,
    ...(connection.KAFKA_SSL && { tls: {} }),
    ...(sasl && { sasl }),
  });
  const queues = sourceDeliveryQueues(options, handle, logger);
  /** Bumped by every rewind, revocation and the stop: earlier requests' responses are stale. */
  let resets = 0;
  let revocations = 0;
  const rewinds = new Map<string, number>();
  let joined = false;
  let crashed = false;
  let stopping: Promise<void> | undefined;
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  let collected = new Map<string, Message<Buffer, Buffer, Buffer, Buffer>[]>();
  const highWatermarks = new Map<string, bigint>();
  const topicNames = new Map<string, string>();
  /** Settles once the queues took the last response's records; the next request waits for it. */
  let delivered: Promise<void> = Promise.resolve();

  const revoke = () => {
    resets += 1;
    revocations += 1;
    queues.revokeAll();
  };
  // Classic (eager) protocol: a rebalance revokes the whole assignment.
  consumer.on('consumer:group:rebalance', revoke);
  consumer.on('consumer:group:join', () => {
    revoke();
    // Registered before the stream's own listener, which then refreshes the offsets: forgetting
    // them makes a partition never committed start again from the beginning, not from where
    // the dropped queue had fetched to.
    stream?.offsetsToFetch.clear();
    joined = true;
  });
  consumer.on('consumer:heartbeat:error', ({ error }) =>
    logger.warn({ err: error }, 'consumer heartbeat failed'),
  );
  // A failed rejoin is emitted as 'error'; without a listener it would throw.
  consumer.on('error', (error: Error) => logger.error({ err: error }, 'consumer group error'));

  const fetchRecords = (messages: Message<Buffer, Buffer, Buffer, Buffer>[]): FetchedRecords => {
    const { topic, partition } = messages[0]!;
    const key = partitionKey(topic, partition);
    const rewindsAtFetch = rewinds.get(key) ?? 0;
    const revocationsAtFetch = revocations;
    const records: SourceRecord[] = messages.map((message) => {
      const control = controlHeader(message.headers);
      return {
        topic,
        partition,
        offset: message.offset.toString(),
        value: message.value ?? null,
        ...(control !== undefined && { control }),
      };
    });
    return {
      topic,
      partition,
      records,
      highWatermark: (highWatermarks.get(key) ?? messages.at(-1)!.offset + 1n).toString(),
      commit: (nextOffset) =>
        consumer.commit({
          offsets: [{ topic, partition, offset: BigInt(nextOffset), leaderEpoch: -1 }],
        }),
      // The client heartbeats on its own timer; a wait for room only has to notice a rebalance.
      heartbeat: () =>
        revocations === revocationsAtFetch
          ? Promise.resolve()
          : Promise.reject(new Error('the consumer group is rebalancing')),
      rewind: (offset) => {
        resets += 1;
        rewinds.set(key, rewindsAtFetch + 1);
        stream?.offsetsToFetch.set(`${topic}:${partition}`, BigInt(offset));
      },
      isStale: () => (rewinds.get(key) ?? 0) !== rewindsAtFetch,
    };
  };

  const deliver = async (): Promise<void> => {
    const batches = [...collected.values()];
    collected = new Map();
    await Promise.all(
      batches.map((messages) =>
        // A rejection is a rebalance while waiting for room: the join refetches the partition.
        queues.push(fetchRecords(messages)).catch(() => false),
      ),
    );
  };

  const brokerFetch = consumer.fetch.bind(consumer) as BrokerFetch;
  const gatedFetch: BrokerFetch = (request, callback) => {
    const resetsAtRequest = resets;
    void delivered.then(() =>
      brokerFetch(request, (error, response) => {
        if (response && resetsAtRequest !== resets) forgetRecords(response);
        if (response) noteHighWatermarks(response, topicNames, highWatermarks);
        callback(error, response);
        delivered = deliver();
      }),
    );
  };
  consumer.fetch = gatedFetch as Consumer['fetch'];

  const collect = (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
    const key = partitionKey(message.topic, message.partition);
    const messages = collected.get(key);
    if (messages) messages.push(message);
    else collected.set(key, [message]);
  };

  const open = async (): Promise<void> => {
    const opened = await consumer.consume({
      topics: [...options.topics],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: 3_000,
    });
    opened.on('data', collect);
    // The stream is destroyed by a fetch or offset refresh that failed beyond the client's
    // retries (a broker down): open another, which rejoins and resumes from the commits. Its
    // first refresh may already fail, so the listener is in place before anything is awaited.
    opened.on('error', (error: Error) => {
      logger.error({ err: error }, 'consumer stream failed: opening it again');
      revoke();
      joined = false;
      void reopen();
    });
    stream = opened;
    const metadata = await consumer.metadata({ topics: [...options.topics] });
    for (const [name, topic] of metadata.topics) topicNames.set(topic.id, name);
  };
  let reopening = false;
  const reopen = async (): Promise<void> => {
    if (reopening) return;
    reopening = true;
    try {
      await reopenUntilOpen();
    } finally {
      reopening = false;
    }
  };
  const reopenUntilOpen = async (): Promise<void> => {
    while (stopping === undefined) {
      await new Promise((resolve) => setTimeout(resolve, REOPEN_PAUSE_MS));
      if (stopping !== undefined) return;
      try {
        await open();
        crashed = false;
        return;
      } catch (error) {
        crashed = true;
        logger.error({ err: error }, 'consumer stream could not be opened');
      }
    }
  };

  await open();
  return {
    isReady: () => joined && !crashed && stopping === undefined,
    isLive: () => !crashed,
    stop: () =>
      (stopping ??= (async () => {
        resets += 1;
        await queues.stop();
        // Forced: the client leaves the group only once its streams are closed, which this
        // does first, a reopened stream's included.
        await new Promise<void>((resolve, reject) =>
          consumer.close(true, (error) => (error ? reject(error) : resolve())),
        );
      })()),
  };
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function saslOf(connection: KafkaConnection): SASLOptions | undefined {
  const { KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD } = connection;
  if (!KAFKA_SASL_MECHANISM || !KAFKA_SASL_USERNAME || !KAFKA_SASL_PASSWORD) return undefined;
  return {
    mechanism: SASL_MECHANISMS[KAFKA_SASL_MECHANISM],
    username: KAFKA_SASL_USERNAME,
    password: KAFKA_SASL_PASSWORD,
  };
}

/** Empties a stale response: the stream then neither emits its records nor moves past them. */
function forgetRecords(response: FetchResponse): void {
  for (const topic of response.responses)
    for (const partition of topic.partitions)
      (partition as { records: unknown }).records = undefined;
}

/** The lag reference of each partition in the response (responses name topics by id). */
function noteHighWatermarks(
  response: FetchResponse,
  topicNames: ReadonlyMap<string, string>,
  into: Map<string, bigint>,
): void {
  for (const { topicId, partitions } of response.responses) {
    const topic = topicNames.get(topicId);
    if (topic === undefined) continue;
    for (const { partitionIndex, highWatermark } of partitions)
      into.set(partitionKey(topic, partitionIndex), highWatermark);
  }
}

/**
 * The client reads zstd batches only through Node's zlib, which has zstd from Node 22.15; before
 * that its codec throws, so the fzstd decoder kafkajs uses is put in its place. Decompression
 * only, as for kafkajs (compression-codecs.ts).
 */
function readZstdWithoutZlibSupport(): void {
  if (typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function') return;
  const codec = compressionsAlgorithms.zstd as {
    decompressSync: (data: Buffer | { buffer: Buffer }) => Buffer;
  };
  codec.decompressSync = (data) => decompressZstd(Buffer.isBuffer(data) ? data : data.buffer);
}

/** The `ariane-control` header's value: this client keys headers by their bytes, not by name. */
function controlHeader(headers: Map<Buffer, Buffer> | undefined): string | undefined {
  for (const [name, value] of headers ?? [])
    if (name.toString() === CONTROL_HEADER) return value.toString();
  return undefined;
}
