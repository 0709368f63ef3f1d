import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from '../../../core/src/es/index-names.js';
import type { Logger } from '../../../core/src/observability/logger.js';
import type { KafkaErasure } from '../kafka/kafka-erasure.js';
import type { JobMetrics } from '../metrics.js';
import type { EraseOptions } from './erase.js';

/** What an anonymisation run is given; jobs.ts builds it, tests build their own. */
export interface AnonymisationDeps {
  readonly es: Client;
  readonly names: IndexNames;
  readonly logger: Logger;
  readonly metrics?: JobMetrics;
  readonly denyListKey: string;
  /** How long a deny-list entry lives: retention window plus Kafka's worst-case record age. */
  readonly denyListTtlMs: number;
  readonly keepSessionLinkage: boolean;
  readonly erase?: EraseOptions;
  /**
   * The Kafka copies: truncated and proven at the end of every operation. Absent when
   * truncation is off, and the verification then covers Elasticsearch only.
   */
  readonly kafka?: KafkaErasure;
  /** Aborts when the job's lease is lost: the run stops between batches, the next one resumes. */
  readonly signal?: AbortSignal;
  /** Test hook: called after each rewritten batch; throwing simulates a crash mid-run. */
  readonly afterBatch?: (operationId: string) => Promise<void>;
}
