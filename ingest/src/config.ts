import { z } from 'zod';
import { ConnectionEnvSchema, envBoolean } from '../../core/src/config/connections.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Ingest's environment. Sizes are bytes, times milliseconds. Memory in flight is bounded by
 * INGEST_FETCH_MAX_BYTES (what one fetch may bring), plus per assigned partition a delivery queue
 * of at most INGEST_FETCH_MAX_BYTES_PER_PARTITION (and one fetch more), plus, per partition being
 * written, the documents of two bulks: the one being written and the next, normalised meanwhile.
 * The fetch defaults are small because fetching no longer waits for writing (issue 16): a
 * fetch round trip costs no throughput, and with the heap cap of scripts/services.ts they keep
 * ingest under 256 MB of RSS.
 */
export const IngestEnvSchema = ConnectionEnvSchema.extend({
  INGEST_GROUP_ID: z.string().min(1).default('ariane-ingest'),
  INGEST_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  INGEST_OPS_PORT: int(0, 65535).default(9101),
  /** A record larger than this is dead-lettered (reason too_large) without being parsed. */
  INGEST_MAX_RECORD_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  /**
   * Payload bytes kept in a dead-letter record. 256 KiB keeps a dead-letter record well under
   * Kafka's default 1 MB `max.message.bytes`, so the dead-letter topic needs no special setting.
   */
  INGEST_DLQ_MAX_PAYLOAD_BYTES: int(1024, 900 * 1024).default(256 * 1024),
  INGEST_BULK_MAX_BYTES: int(1024, 50 * 1024 * 1024).default(5_000_000),
  /** 5,000 documents in 5 MB of source: the best raw `_bulk` setting measured (BENCHMARKS.md). */
  INGEST_BULK_MAX_DOCS: int(1, 50_000).default(5_000),
  INGEST_BULK_TIMEOUT_MS: int(1_000, 300_000).default(30_000),
  INGEST_PARTITIONS_CONCURRENCY: int(1, 64).default(4),
  INGEST_FETCH_MAX_BYTES_PER_PARTITION: int(64 * 1024, 64 * 1024 * 1024).default(512 * 1024),
  INGEST_FETCH_MAX_BYTES: int(64 * 1024, 256 * 1024 * 1024).default(4 * 1024 * 1024),
  /**
   * How long the group waits for a silent member (a killed process) before handing its
   * partitions to others. Ingest heartbeats every 3 s, during slow bulks and retries too.
   */
  INGEST_SESSION_TIMEOUT_MS: int(6_000, 300_000).default(30_000),
  /**
   * The Kafka client behind the source seam. kafkajs is the production client; platformatic
   * (@platformatic/kafka) is measured beside it (BENCHMARKS.md, "Kafka clients").
   */
  INGEST_KAFKA_CLIENT: z.enum(['kafkajs', 'platformatic']).default('kafkajs'),
  INGEST_RETRY_INITIAL_MS: int(1, 60_000).default(200),
  INGEST_RETRY_MAX_MS: int(1, 600_000).default(30_000),
  INGEST_FUTURE_TOLERANCE_MS: int(0, 7 * 86_400_000).default(5 * 60_000),
  INGEST_FUTURE_LIMIT_MS: int(0, 30 * 86_400_000).default(86_400_000),
  /** Extra field paths for service logs: inline JSON or a path to a JSON file. */
  INGEST_FIELD_MAPPING: z.string().min(1).optional(),
  /**
   * Service names for lines that name none, by file-path pattern or topic: inline JSON or a
   * path to a JSON file (`formats/service-log/service-identity.ts`).
   */
  INGEST_SERVICE_NAMES: z.string().min(1).optional(),
  /**
   * The key jobs/ hashes anonymised selectors with (same variable, same value as jobs). Without
   * it events of already-anonymised subjects that arrive late would be indexed in clear, so it
   * is required unless the deployment runs no anonymisation at all (ANONYMISATION_ENABLED=false).
   */
  ANONYMISATION_DENYLIST_KEY: z.string().min(32, 'at least 32 characters').optional(),
  ANONYMISATION_ENABLED: envBoolean(true),
  INGEST_DENYLIST_REFRESH_MS: int(1_000, 3_600_000).default(30_000),
  INGEST_SHUTDOWN_TIMEOUT_MS: int(1_000, 300_000).default(20_000),
}).refine((env) => !env.ANONYMISATION_ENABLED || env.ANONYMISATION_DENYLIST_KEY !== undefined, {
  path: ['ANONYMISATION_DENYLIST_KEY'],
  message: 'required unless ANONYMISATION_ENABLED=false (late events would be indexed in clear)',
});
export type IngestEnv = z.infer<typeof IngestEnvSchema>;
