import type { Producer } from 'kafkajs';
import type { TopicNames } from '../../core/src/kafka/topics.js';
import { produceRecords } from '../generator/kafka-target.js';
import { generateRecords, type TrafficRecord } from '../generator/records.js';
import { normaliseForBench } from '../normalise.js';

/** One distinct document ingest stores for the backlog, serialised once. */
export interface BacklogDoc {
  readonly id: string;
  readonly timestamp: string;
  readonly source: string;
}

/**
 * The same input for every ingest contender: generated Kafka records and, worked out once
 * through ingest's normaliser, the distinct documents they must end up as. A contender is done
 * when `docs.length` documents are searchable under its index prefix. Duplicated records and
 * Axway lines read from both logs share an `_id`, so there are fewer documents than events.
 */
export interface Backlog {
  readonly records: readonly TrafficRecord[];
  readonly docs: readonly BacklogDoc[];
}

/** Generated traffic that started an hour ago, at a rate that keeps it within one or two days. */
export function buildBacklog(targetDocs: number, seed: string, nowMs: number): Backlog {
  const records: TrafficRecord[] = [];
  const docs = new Map<string, BacklogDoc>();
  let offset = 0;
  for (const record of generateRecords({
    seed,
    startMs: nowMs - 3_600_000,
    requestsPerSecond: 500,
    // Bare lines, as in the runs BENCHMARKS.md holds: the contenders' numbers stay comparable.
    envelopeShare: 0,
  })) {
    if (docs.size >= targetDocs) break;
    records.push(record);
    const origin = { topic: record.topic, partition: 0, offset: String(offset++) };
    for (const { doc } of normaliseForBench(
      { topic: record.topic, value: Buffer.from(record.value) },
      origin,
      nowMs,
    ))
      if (!docs.has(doc.event.id))
        docs.set(doc.event.id, {
          id: doc.event.id,
          timestamp: doc['@timestamp'],
          source: JSON.stringify(doc),
        });
  }
  return { records, docs: [...docs.values()] };
}

/** Writes the whole backlog to the topics as fast as Kafka takes it. */
export async function produceBacklog(
  producer: Producer,
  topics: TopicNames,
  records: readonly TrafficRecord[],
): Promise<number> {
  return produceRecords(producer, records, {
    topics,
    pacing: { startMs: 0, wallStartMs: 0, speedup: Number.POSITIVE_INFINITY },
    maxBatch: 2_000,
  });
}
