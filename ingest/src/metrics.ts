import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Ingest's Prometheus metrics. Labels are topics, partitions, datasets and reason codes only.
 * Per-event facts are counted here, never logged.
 */
export function createIngestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    read: new Counter({
      name: 'ariane_ingest_records_read_total',
      help: 'Records read, by the format of their (first) line and the shipper envelopes around it (outermost first, "+"-joined; none for a bare line)',
      labelNames: ['format', 'envelope'],
      registers,
    }),
    consumed: new Counter({
      name: 'ariane_ingest_records_consumed_total',
      help: 'Kafka records read, by topic',
      labelNames: ['topic'],
      registers,
    }),
    indexed: new Counter({
      name: 'ariane_ingest_events_indexed_total',
      help: 'Events Elasticsearch acknowledged, by dataset',
      labelNames: ['dataset'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'ariane_ingest_records_dead_lettered_total',
      help: 'Records written to the dead-letter topic, by reason',
      labelNames: ['reason'],
      registers,
    }),
    retried: new Counter({
      name: 'ariane_ingest_events_retried_total',
      help: 'Event writes retried after a transient Elasticsearch failure',
      registers,
    }),
    skipped: new Counter({
      name: 'ariane_ingest_records_skipped_total',
      help: 'Records that carry no traffic (Axway trace and event-log metadata lines), by reason',
      labelNames: ['reason'],
      registers,
    }),
    controlRecords: new Counter({
      name: 'ariane_ingest_control_records_total',
      help: 'Control records Ariane appended itself (ariane-control header), skipped and committed without indexing, by kind',
      labelNames: ['kind'],
      registers,
    }),
    droppedExpired: new Counter({
      name: 'ariane_ingest_events_dropped_expired_total',
      help: 'Valid events older than the retention window, dropped without indexing',
      registers,
    }),
    anonymised: new Counter({
      name: 'ariane_ingest_events_anonymised_total',
      help: 'Events anonymised before indexing because the deny list matched them',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'ariane_ingest_batch_duration_seconds',
      help: 'Time to index, dead-letter and commit one bulk of records, from its write to its commit',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    bulkBytes: new Counter({
      name: 'ariane_ingest_bulk_source_bytes_total',
      help: 'Bytes of source records handled in bulks',
      registers,
    }),
    lag: new Gauge({
      name: 'ariane_ingest_consumer_lag',
      help: 'Records between the last committed offset and the high watermark, by partition',
      labelNames: ['topic', 'partition'],
      registers,
    }),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
