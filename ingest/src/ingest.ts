import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { createProducer } from '../../core/src/kafka/client.js';
import type { Registry } from 'prom-client';
import { anonymiseEvent } from '../../core/src/anonymisation/anonymise-event.js';
import { EMPTY_DENY_LIST, type DenyList } from '../../core/src/anonymisation/deny-list.js';
import { ensureDeadLetterIndex } from '../../core/src/es/dead-letter-index.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import { ensureTopics } from '../../core/src/kafka/setup.js';
import { topicNames } from '../../core/src/kafka/topics.js';
import type { Logger } from '../../core/src/observability/logger.js';
import type { TraceEvent } from '../../core/src/schemas/trace-event.js';
import type { IngestEnv } from './config.js';
import { loadFieldMapping } from './formats/field-mapping.js';
import { loadServiceNameRules } from './formats/service-log/service-identity.js';
import { createIngestMetrics, type IngestMetrics } from './metrics.js';
import { contentId } from './pipeline/field-values.js';
import { processBatch, type PipelineSettings } from './pipeline/process-batch.js';
import { elasticsearchBatchSink } from './sink/bulk-writer.js';
import {
  elasticsearchDeadLetterSink,
  indexedDeadLetterSink,
  kafkaDeadLetterSink,
} from './sink/dead-letter-writer.js';
import { startKafkaSource } from './source/kafka-source.js';
import { startPlatformaticSource } from './source/platformatic-source.js';
import type { SourceBatch } from './source/source-record.js';

export interface IngestDeps {
  readonly kafka: Kafka;
  readonly es: Client;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly denyList?: DenyList;
  readonly onDenyListMatch?: (event: TraceEvent, operationId: string) => TraceEvent;
  readonly now?: () => number;
}

export interface Ingest {
  readonly metrics: IngestMetrics;
  isReady(): boolean;
  isLive(): boolean;
  /** Idempotent: stops intake, lets in-flight bulks finish or give up uncommitted, disconnects. */
  stop(): Promise<void>;
}

/** Creates the topics, the events index template and the dead-letter index if missing. Idempotent. */
export async function prepareIngest(config: IngestEnv, deps: Pick<IngestDeps, 'kafka' | 'es'>) {
  const topics = topicNames(config.ARIANE_TOPIC_PREFIX);
  const created = await ensureTopics(deps.kafka, topics, {
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
    retentionDays: config.RETENTION_DAYS,
  });
  const names = indexNames(config.ARIANE_INDEX_PREFIX);
  await installEventsTemplate(
    deps.es,
    names,
    config.ARIANE_INDEX_PREFIX,
    config.ES_NUMBER_OF_REPLICAS,
  );
  await ensureDeadLetterIndex(deps.es, names, config.ES_NUMBER_OF_REPLICAS);
  return { createdTopics: created };
}

/**
 * An event the deny list matched, anonymised before it is ever stored. Its new `_id` is derived
 * from the operation and the original id rather than random, so a replay of the same record
 * overwrites the same anonymised document instead of adding a second one.
 */
export function anonymiseAtIngest(event: TraceEvent, operationId: string): TraceEvent {
  const anonymised = anonymiseEvent(event, operationId, {
    newEventId: contentId('anon', Buffer.from(`${operationId}\n${event.event.id}`)),
  });
  const flags = new Set(anonymised.ariane.flags ?? []).add('anonymised_at_ingest');
  return { ...anonymised, ariane: { ...anonymised.ariane, flags: [...flags] } };
}

/** Starts consuming both input topics. Call `prepareIngest` first. */
export async function startIngest(config: IngestEnv, deps: IngestDeps): Promise<Ingest> {
  const topics = topicNames(config.ARIANE_TOPIC_PREFIX);
  const metrics = createIngestMetrics(deps.registry);
  const producer = createProducer(deps.kafka);
  await producer.connect();
  const names = indexNames(config.ARIANE_INDEX_PREFIX);
  const settings: PipelineSettings = {
    kindOf: (topic) => (topic === topics.services ? 'services' : 'gateway'),
    indexNames: names,
    maxRecordBytes: config.INGEST_MAX_RECORD_BYTES,
    deadLetterMaxPayloadBytes: config.INGEST_DLQ_MAX_PAYLOAD_BYTES,
    bulkMaxBytes: config.INGEST_BULK_MAX_BYTES,
    bulkMaxDocs: config.INGEST_BULK_MAX_DOCS,
    retryInitialMs: config.INGEST_RETRY_INITIAL_MS,
    retryMaxMs: config.INGEST_RETRY_MAX_MS,
    time: {
      retentionDays: config.RETENTION_DAYS,
      futureToleranceMs: config.INGEST_FUTURE_TOLERANCE_MS,
      futureLimitMs: config.INGEST_FUTURE_LIMIT_MS,
    },
    mapping: loadFieldMapping(config.INGEST_FIELD_MAPPING),
    serviceNames: loadServiceNameRules(config.INGEST_SERVICE_NAMES),
  };
  const pipelineDeps = {
    sink: elasticsearchBatchSink(deps.es, config.INGEST_BULK_TIMEOUT_MS),
    deadLetters: indexedDeadLetterSink(
      elasticsearchDeadLetterSink(deps.es, names.deadLetters, config.INGEST_BULK_TIMEOUT_MS),
      kafkaDeadLetterSink(producer, topics.deadLetter),
    ),
    denyList: deps.denyList ?? EMPTY_DENY_LIST,
    onDenyListMatch: deps.onDenyListMatch ?? anonymiseAtIngest,
    metrics,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
  let source;
  try {
    const sourceOptions = {
      groupId: config.INGEST_GROUP_ID,
      topics: [topics.gateway, topics.services],
      partitionsConcurrency: config.INGEST_PARTITIONS_CONCURRENCY,
      maxBytesPerPartition: config.INGEST_FETCH_MAX_BYTES_PER_PARTITION,
      maxBytes: config.INGEST_FETCH_MAX_BYTES,
      sessionTimeoutMs: config.INGEST_SESSION_TIMEOUT_MS,
    };
    const handle = (batch: SourceBatch) => processBatch(batch, settings, pipelineDeps);
    source =
      config.INGEST_KAFKA_CLIENT === 'platformatic'
        ? await startPlatformaticSource(config, sourceOptions, handle, deps.logger)
        : await startKafkaSource(deps.kafka, sourceOptions, handle, deps.logger);
  } catch (error) {
    await producer.disconnect();
    throw error;
  }
  deps.logger.info(
    {
      topics: [topics.gateway, topics.services],
      groupId: config.INGEST_GROUP_ID,
      kafkaClient: config.INGEST_KAFKA_CLIENT,
    },
    'ingest started',
  );
  let stopping: Promise<void> | undefined;
  const started = source;
  return {
    metrics,
    isReady: () => started.isReady(),
    isLive: () => started.isLive(),
    stop: () =>
      (stopping ??= (async () => {
        try {
          await started.stop();
        } finally {
          await producer.disconnect();
          deps.logger.info('ingest stopped');
        }
      })()),
  };
}
