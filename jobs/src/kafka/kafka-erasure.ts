import type { KafkaPartitionProof } from '../../../core/src/anonymisation/operations.js';
import type { LogAdmin } from './log-admin.js';
import { diskErasureBoundMs, type KafkaTruncator } from './truncate.js';
import type { OffsetsByPartition } from './truncation-plan.js';

/** What an anonymisation operation learns about the Kafka copies of its selector's records. */
export interface KafkaErasureResult {
  readonly proofs: readonly KafkaPartitionProof[];
  /** `kafka:<topic>:<partition>` for each partition whose proof failed; never a value. */
  readonly failures: readonly string[];
  readonly truncatedAt: Date;
  readonly offDiskBy: Date;
}

/**
 * The Kafka side of an anonymisation. Contract: `committedNow` is read when the operation starts
 * (after its deny-list entry is written), `eraseAndProve` once Elasticsearch is erased and
 * verified. Every record below the commit read at the start is in Elasticsearch, where the
 * operation rewrote it; `eraseAndProve` truncates every input partition to what the known groups
 * have committed since, and proves that the log starts at or past that first commit. It then reads
 * what is still readable (the records not committed yet, a small tail) and counts those holding
 * the value: the deny list anonymises them when ingest reaches them, and the next truncation
 * removes them. The dead-letter topic is proven the same way against its end at the start: the
 * dead-letter index held all of it, and the operation rewrote the index. Rejects when Kafka
 * fails; the operation then resumes on the next run.
 */
export interface KafkaErasure {
  committedNow(): Promise<OffsetsByPartition>;
  eraseAndProve(
    value: string,
    committedAtStart: OffsetsByPartition,
    now: Date,
  ): Promise<KafkaErasureResult>;
}

/** Beyond this many records per partition the tail is not read (ingest is far behind). */
const MAX_TAIL_SCAN = 200_000;

export function kafkaErasure(
  truncator: KafkaTruncator,
  log: LogAdmin,
  ingestGroup: string,
): KafkaErasure {
  const { topics: inputTopics, indexedTopics = [] } = truncator.settings;
  const topics = [...inputTopics, ...indexedTopics];
  return {
    async committedNow() {
      const committed: Record<string, Record<number, bigint>> = {
        ...(await log.committed(ingestGroup, inputTopics)),
      };
      // Every record on the dead-letter topic is in the dead-letter index already, which the
      // operation rewrites: its end is what "ingested" means there.
      for (const topic of indexedTopics)
        committed[topic] = Object.fromEntries(
          (await log.watermarks(topic)).map(({ partition, high }) => [partition, high]),
        );
      return committed;
    },
    async eraseAndProve(value, committedAtStart, now) {
      const report = await truncator.run(now);
      const truncatedAt = new Date();
      // The value as it appears in raw bytes, and JSON-escaped as producers may write it.
      const needles = [...new Set([value, JSON.stringify(value).slice(1, -1)])].map((needle) =>
        Buffer.from(needle),
      );
      const proofs: KafkaPartitionProof[] = [];
      for (const topic of topics) {
        const states = report.partitions.filter((state) => state.topic === topic);
        const matches = new Map<number, number>();
        const scanned = new Map<number, number>();
        const ranges = states.map(({ partition, logStart, high }) => {
          const to =
            high - logStart > BigInt(MAX_TAIL_SCAN) ? logStart + BigInt(MAX_TAIL_SCAN) : high;
          return { partition, from: logStart, to };
        });
        await log.scan(topic, ranges, (bytes, partition) => {
          scanned.set(partition, (scanned.get(partition) ?? 0) + 1);
          if (bytes && needles.some((needle) => bytes.includes(needle)))
            matches.set(partition, (matches.get(partition) ?? 0) + 1);
        });
        for (const { partition, logStart, high } of states) {
          const committed = committedAtStart[topic]?.[partition];
          proofs.push({
            topic,
            partition,
            ...(committed !== undefined && { committedAtStart: committed.toString() }),
            logStartOffset: logStart.toString(),
            highWatermark: high.toString(),
            tailRecords: Number(high - logStart),
            tailScanned: scanned.get(partition) ?? 0,
            tailMatches: matches.get(partition) ?? 0,
            passed: committed === undefined || logStart >= committed,
          });
        }
      }
      const settings = await log.diskSettings(topics);
      return {
        proofs,
        failures: proofs.filter((p) => !p.passed).map((p) => `kafka:${p.topic}:${p.partition}`),
        truncatedAt,
        offDiskBy: new Date(truncatedAt.getTime() + diskErasureBoundMs(settings, topics)),
      };
    },
  };
}
