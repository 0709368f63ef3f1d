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
 * Topic settings that bound how long a raw record can live in Kafka. A record is deleted only
 * when its whole segment is older than `retention.ms`, checked every
 * `log.retention.check.interval.ms` and removed `file.delete.delay.ms` later, so the worst-case
 * age is their sum plus `segment.ms`. `LogAppendTime` stops a producer's clock from pinning a
 * segment with future timestamps. jobs/ verifies these on every start.
 */
export function boundedRetentionTopicConfig(retentionDays: number): Record<string, string> {
  const windowMs = retentionDays * 24 * HOUR_MS;
  const segmentMs = Math.min(12 * HOUR_MS, windowMs / 10);
  const retentionMs = windowMs - segmentMs - HOUR_MS;
  return {
    'cleanup.policy': 'delete',
    'retention.ms': String(Math.max(retentionMs, HOUR_MS)),
    'segment.ms': String(segmentMs),
    'message.timestamp.type': 'LogAppendTime',
    'file.delete.delay.ms': '60000',
  };
}
