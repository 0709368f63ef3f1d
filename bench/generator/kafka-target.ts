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
    await producer.sendBatch({ topicMessages: topicMessagesOf(batch, options.topics) });
    sent += batch.length;
    options.onBatch?.(sent);
  }
  return sent;
}
