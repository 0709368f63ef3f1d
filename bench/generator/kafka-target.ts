import type { Message, Producer } from 'kafkajs';
import type { TopicNames } from '../../core/src/kafka/topics.js';
import type { TrafficRecord } from './records.js';

/**
 * Sends generated records to Ariane's topics. Records are sent in batches (one `sendBatch` per
 * tick, grouped by topic) and, when paced, no earlier than their due time mapped onto the wall
 * clock, so a live demo sees traffic arrive as it happens.
 */
export interface Pacing {
  /** Generated time of the first request; maps to `wallStartMs`. */
  readonly startMs: number;
  readonly wallStartMs: number;
  /** Generated milliseconds per wall millisecond; Infinity sends as fast as Kafka accepts. */
  readonly speedup: number;
}

export interface ProduceOptions {
  readonly topics: TopicNames;
  readonly pacing: Pacing;
  readonly maxBatch: number;
  /** Stops after this many records; unbounded when absent. */
  readonly maxRecords?: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onBatch?: (sentSoFar: number) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Further attempts at one batch after kafkajs's own retries gave up, a second apart. */
const BATCH_ATTEMPTS = 5;
const BATCH_RETRY_MS = 1_000;

/**
 * A failure a later attempt can get past: a broker that does not host a new topic's partition
 * yet, a leader moving. kafkajs marks them `retriable`; once its own retries are spent it throws
 * KafkaJSNumberOfRetriesExceeded, which is not, around the retriable cause.
 */
export function isTransientKafkaError(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = (cause as { cause?: unknown }).cause)
    if ((cause as { retriable?: unknown }).retriable === true) return true;
  return false;
}

/**
 * `sendBatch`, attempted again after a transient failure: on a loaded shared broker a new
 * topic's metadata can lag behind kafkajs's retries, and a bench or a demo of many minutes should
 * not die of it. A batch that failed half-way is sent whole again, so some records may be in
 * Kafka twice: ingest stores a duplicate line once (its `_id` comes from the content).
 */
async function sendBatchRetrying(
  producer: Producer,
  topicMessages: ReturnType<typeof topicMessagesOf>,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await producer.sendBatch({ topicMessages });
      return;
    } catch (error) {
      if (attempt >= BATCH_ATTEMPTS || !isTransientKafkaError(error)) throw error;
      await sleep(BATCH_RETRY_MS);
    }
  }
}

/** Wall-clock time at which a record becomes due under the pacing. */
export function wallTimeOf(record: TrafficRecord, pacing: Pacing): number {
  if (!Number.isFinite(pacing.speedup)) return Number.NEGATIVE_INFINITY;
  return pacing.wallStartMs + (record.dueMs - pacing.startMs) / pacing.speedup;
}

/** One `sendBatch` payload: the records grouped by the Ariane topic each belongs on. */
export function topicMessagesOf(
  records: readonly TrafficRecord[],
  topics: TopicNames,
): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    const topic = record.topic === 'gateway' ? topics.gateway : topics.services;
    const messages = byTopic.get(topic) ?? [];
    messages.push(
      record.key === undefined ? { value: record.value } : { key: record.key, value: record.value },
    );
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

export async function produceRecords(
  producer: Producer,
  records: Iterable<TrafficRecord>,
  options: ProduceOptions,
): Promise<number> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const iterator = records[Symbol.iterator]();
  const limit = options.maxRecords ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  let next = iterator.next();
  while (!next.done && sent < limit && !options.signal?.aborted) {
    const waitMs = wallTimeOf(next.value, options.pacing) - now();
    if (waitMs > 0) {
      await sleep(Math.min(waitMs, 1_000));
      continue;
    }
    const batch: TrafficRecord[] = [];
    const wallNow = now();
    while (
      !next.done &&
      batch.length < options.maxBatch &&
      sent + batch.length < limit &&
      wallTimeOf(next.value, options.pacing) <= wallNow
    ) {
      batch.push(next.value);
      next = iterator.next();
    }
    await sendBatchRetrying(producer, topicMessagesOf(batch, options.topics), sleep);
    sent += batch.length;
    options.onBatch?.(sent);
  }
  return sent;
}
