import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { ensureDenyListIndex } from '../../core/src/anonymisation/deny-list-store.js';
import { ensureOperationIndices } from '../../core/src/anonymisation/operation-log.js';
import { ensureDeadLetterIndex } from '../../core/src/es/dead-letter-index.js';
import { indexNames } from '../../core/src/es/index-names.js';
import type { Logger } from '../../core/src/observability/logger.js';
import { topicNames } from '../../core/src/kafka/topics.js';
import { runAutoAnonymisation } from './anonymisation/auto-anonymise.js';
import { runQueuedOperations, type AnonymisationDeps } from './anonymisation/run-operation.js';
import { writeAudit } from './audit.js';
import type { JobsEnv } from './config.js';
import { kafkaErasure } from './kafka/kafka-erasure.js';
import { kafkaLogAdmin } from './kafka/log-admin.js';
import { enforceTopicPolicy, type TopicPolicyReport } from './kafka/topic-policy.js';
import { KafkaTruncator } from './kafka/truncate.js';
import { LeaseLostError, withLease } from './lock.js';
import type { JobMetrics } from './metrics.js';
import { runRetention } from './retention/run-retention.js';

export interface JobsDeps {
  readonly es: Client;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly metrics: JobMetrics;
}

export class TopicPolicyRefusedError extends Error {
  constructor(readonly report: TopicPolicyReport) {
    super(
      `Kafka topics keep raw logs beyond the retention window (${report.violations.length} violations)`,
    );
    this.name = 'TopicPolicyRefusedError';
  }
}

const DAY_MS = 86_400_000;

/**
 * The jobs as functions of `now`, each under its Elasticsearch lease, counted in metrics.
 * main.ts only schedules them. `prepare` creates the small indices the jobs and the API share.
 */
export function createJobs(config: JobsEnv, deps: JobsDeps) {
  const { es, kafka, logger, metrics } = deps;
  const names = indexNames(config.ARIANE_INDEX_PREFIX);
  const windowMs = config.RETENTION_DAYS * DAY_MS;
  const topics = topicNames(config.ARIANE_TOPIC_PREFIX);
  const log = kafkaLogAdmin(kafka);
  const truncator = new KafkaTruncator(
    { log, logger: logger.child({ job: 'kafka_truncation' }), metrics },
    {
      topics: [topics.gateway, topics.services],
      groups: [config.INGEST_GROUP_ID, ...config.KAFKA_RETAINING_GROUPS],
      indexedTopics: [topics.deadLetter],
      rollIdleSegments: config.KAFKA_ROLL_IDLE_SEGMENTS,
    },
  );

  /**
   * Runs `task` under the lease named `lease` (the job's own by default: jobs that rewrite the
   * same events share one), counted under `job`. A lost lease ends the run as `aborted`.
   */
  async function leased<T>(
    job: string,
    task: (signal: AbortSignal) => Promise<T>,
    lease = job,
  ): Promise<T | undefined> {
    try {
      const outcome = await withLease(es, names.locks, lease, config.JOBS_LOCK_TTL_MS, task);
      metrics.runs.inc({ job, outcome: outcome.ran ? 'success' : 'skipped' });
      if (!outcome.ran) {
        logger.info({ job }, 'another instance holds the lease; run skipped');
        return undefined;
      }
      metrics.lastSuccess.set({ job }, Date.now() / 1000);
      return outcome.value;
    } catch (error) {
      if (error instanceof LeaseLostError) {
        metrics.runs.inc({ job, outcome: 'aborted' });
        logger.warn({ job }, 'lease lost during the run; stopped, the next run resumes');
        return undefined;
      }
      metrics.runs.inc({ job, outcome: 'failure' });
      logger.error({ err: error, job }, 'job run failed');
      throw error;
    }
  }

  async function checkTopics(now: Date): Promise<TopicPolicyReport> {
    const report = await enforceTopicPolicy(
      kafka,
      topics,
      config.RETENTION_DAYS,
      config.KAFKA_TOPIC_POLICY,
    );
    for (const topic of [topics.gateway, topics.services, topics.deadLetter])
      metrics.topicViolations.set(
        { topic },
        report.violations.filter((v) => v.topic === topic).length,
      );
    if (report.violations.length > 0) {
      logger.warn(
        { violations: report.violations, corrected: report.corrected, mode: report.mode },
        'Kafka topic retention policy violated',
      );
      await writeAudit(es, names, {
        kind: 'kafka_topics',
        at: now.toISOString(),
        outcome: report.mode === 'correct' ? 'success' : 'failure',
        details: { ...report },
      });
    }
    if (report.missing.length > 0) logger.warn({ topics: report.missing }, 'Kafka topics missing');
    if (report.mode === 'refuse' && report.violations.length > 0)
      throw new TopicPolicyRefusedError(report);
    return report;
  }

  const kafkaCopies = config.KAFKA_TRUNCATE_ENABLED
    ? kafkaErasure(truncator, log, config.INGEST_GROUP_ID)
    : undefined;
  const anonymisationDeps = (signal: AbortSignal): AnonymisationDeps => ({
    es,
    names,
    logger: logger.child({ job: 'anonymisation' }),
    metrics,
    denyListKey: config.ANONYMISATION_DENYLIST_KEY,
    // Clear data can arrive until the topics' worst-case age, which the topic policy
    // bounds by the window; events older than the window are refused at ingest.
    denyListTtlMs: 2 * windowMs,
    keepSessionLinkage: config.ANONYMISATION_KEEP_SESSION_LINKAGE,
    ...(kafkaCopies && { kafka: kafkaCopies }),
    signal,
  });
  const autoAnonymiseAfterDays = config.AUTO_ANONYMISE_AFTER_DAYS;

  /** Truncation needs no lease (see KafkaTruncator); it is counted like the other jobs. */
  async function truncation(now: Date) {
    try {
      const report = await truncator.run(now);
      metrics.runs.inc({ job: 'kafka_truncation', outcome: 'success' });
      metrics.lastSuccess.set({ job: 'kafka_truncation' }, Date.now() / 1000);
      return report;
    } catch (error) {
      metrics.runs.inc({ job: 'kafka_truncation', outcome: 'failure' });
      logger.error({ err: error, job: 'kafka_truncation' }, 'job run failed');
      throw error;
    }
  }

  return {
    names,
    async prepare(): Promise<void> {
      await ensureOperationIndices(es, names, config.ES_NUMBER_OF_REPLICAS);
      await ensureDenyListIndex(es, names, config.ES_NUMBER_OF_REPLICAS);
      await ensureDeadLetterIndex(es, names, config.ES_NUMBER_OF_REPLICAS);
    },
    checkTopics,
    /** Undefined when KAFKA_TRUNCATE_ENABLED=false. */
    truncation: config.KAFKA_TRUNCATE_ENABLED ? truncation : undefined,
    /** Closes what createJobs opened (the Kafka admin connection); idempotent. */
    close: () => log.close(),
    retention: (now: Date) =>
      leased('retention', async (signal) => {
        await checkTopics(now);
        return runRetention(
          { es, names, logger: logger.child({ job: 'retention' }), metrics, signal },
          { retentionDays: config.RETENTION_DAYS, dryRun: config.RETENTION_DRY_RUN },
          now,
        );
      }),
    anonymisation: (now: Date) =>
      leased('anonymisation', (signal) => runQueuedOperations(anonymisationDeps(signal), now)),
    /** The optional policy; undefined when AUTO_ANONYMISE_AFTER_DAYS is unset. */
    autoAnonymisation:
      autoAnonymiseAfterDays === undefined
        ? undefined
        : (now: Date) =>
            leased(
              'auto_anonymisation',
              (signal) =>
                runAutoAnonymisation(anonymisationDeps(signal), autoAnonymiseAfterDays, now),
              'anonymisation',
            ),
  };
}
