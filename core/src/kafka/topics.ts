/**
 * Ariane's Kafka topics, named in one place. Producers write gateway logs (Axway open-traffic or
 * transaction-event lines, or the generic access-log JSON) to `gateway`, backend service logs to
 * `services`; ingest writes what it cannot index, with the reason, to `deadLetter`.
 */
export interface TopicNames {
  readonly gateway: string;
  readonly services: string;
  readonly deadLetter: string;
}

export function topicNames(prefix: string): TopicNames {
  return Object.freeze({
    gateway: `${prefix}.gateway`,
    services: `${prefix}.services`,
    deadLetter: `${prefix}.dead-letter`,
  });
}

const HOUR_MS = 3_600_000;

/**
 * The longest a segment stays open. jobs/ truncates the input topics once ingest has committed
 * their records (DeleteRecords), which makes them unreadable at once; their bytes leave the disk
 * only with their whole segment, so this is most of the time a truncated record's bytes can
 * outlive its truncation (jobs/src/kafka/truncate.ts, `diskErasureBoundMs`).
 */
export const SEGMENT_MAX_MS = 10 * 60_000;
/** Segments also roll at this size, so a busy partition never holds one huge open file. */
export const SEGMENT_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Topic settings that bound how long a raw record can live in Kafka. A record is deleted only
 * when its whole segment is older than `retention.ms`, checked every
 * `log.retention.check.interval.ms` and removed `file.delete.delay.ms` later, so the worst-case
 * age is their sum plus `segment.ms`. `LogAppendTime` stops a producer's clock from pinning a
 * segment with future timestamps. jobs/ verifies these on every start. Retention is the safety
 * net for records ingest has not committed (ingest down); the short segments bound the life on
 * disk of those it has, once truncated.
 */
export function boundedRetentionTopicConfig(retentionDays: number): Record<string, string> {
  const windowMs = retentionDays * 24 * HOUR_MS;
  const retentionMs = windowMs - SEGMENT_MAX_MS - HOUR_MS;
  return {
    'cleanup.policy': 'delete',
    'retention.ms': String(Math.max(retentionMs, HOUR_MS)),
    'segment.ms': String(SEGMENT_MAX_MS),
    'segment.bytes': String(SEGMENT_MAX_BYTES),
    'message.timestamp.type': 'LogAppendTime',
    'file.delete.delay.ms': '60000',
  };
}
