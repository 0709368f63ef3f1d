import { Counter, Gauge, type Registry } from 'prom-client';

/** The jobs' own metrics. Labels are job names, outcomes and index names: never content. */
export interface JobMetrics {
  readonly runs: Counter<'job' | 'outcome'>;
  readonly lastSuccess: Gauge<'job'>;
  readonly indicesDeleted: Counter;
  readonly documentsPruned: Counter;
  readonly eventsAnonymised: Counter;
  readonly topicViolations: Gauge<'topic'>;
  readonly kafkaRecordsTruncated: Counter<'topic'>;
  readonly kafkaRecordsRetained: Gauge<'topic'>;
  readonly kafkaSegmentRollMarkers: Counter<'topic' | 'outcome'>;
}

export function createJobMetrics(registry: Registry): JobMetrics {
  return {
    runs: new Counter({
      name: 'ariane_job_runs_total',
      help: 'Job runs by job and outcome (success, failure, skipped when another instance held the lock, aborted when the lock was lost)',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'ariane_job_last_success_timestamp_seconds',
      help: 'When each job last completed successfully',
      labelNames: ['job'],
      registers: [registry],
    }),
    indicesDeleted: new Counter({
      name: 'ariane_retention_indices_deleted_total',
      help: 'Daily event indices deleted by retention',
      registers: [registry],
    }),
    documentsPruned: new Counter({
      name: 'ariane_retention_documents_deleted_total',
      help: 'Stray events older than the window deleted from kept indices',
      registers: [registry],
    }),
    eventsAnonymised: new Counter({
      name: 'ariane_anonymisation_events_total',
      help: 'Stored events rewritten by anonymisation operations',
      registers: [registry],
    }),
    topicViolations: new Gauge({
      name: 'ariane_kafka_topic_policy_violations',
      help: 'Retention policy violations found on each topic at the last check',
      labelNames: ['topic'],
      registers: [registry],
    }),
    kafkaRecordsTruncated: new Counter({
      name: 'ariane_kafka_records_truncated_total',
      help: 'Input-topic records deleted (DeleteRecords) once every known group had committed them',
      labelNames: ['topic'],
      registers: [registry],
    }),
    kafkaRecordsRetained: new Gauge({
      name: 'ariane_kafka_records_untruncated',
      help: 'Input-topic records kept at the last truncation because a known group had not committed them',
      labelNames: ['topic'],
      registers: [registry],
    }),
    kafkaSegmentRollMarkers: new Counter({
      name: 'ariane_kafka_segment_roll_markers_total',
      help: 'Segment-roll markers appended to idle, fully truncated partitions so their last segment leaves the disk, by topic and outcome (appended, failed)',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    }),
  };
}
