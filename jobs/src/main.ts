import { setTimeout as sleep } from 'node:timers/promises';
import cron, { type ScheduledTask } from 'node-cron';
import { parseEnvOrExit } from '../../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { createKafka } from '../../core/src/kafka/client.js';
import { exitOnShutdownSignals } from '../../core/src/lifecycle/shutdown.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { createMetricsRegistry } from '../../core/src/observability/metrics.js';
import { startOpsServer } from '../../core/src/observability/ops-server.js';
import { JobsEnvSchema } from './config.js';
import { createJobs, TopicPolicyRefusedError } from './jobs.js';
import { createJobMetrics } from './metrics.js';
import { liftHeldWriteBlocks } from './anonymisation/write-block.js';
import { oneRunAtATime } from './one-run-at-a-time.js';

/**
 * Composition root of the jobs service: reads the environment, builds the clients, checks the
 * Kafka topics (exits non-zero in KAFKA_TOPIC_POLICY=refuse mode when they keep logs too long),
 * then schedules retention, anonymisation and the truncation of the input topics in UTC without
 * overlap. Two instances are safe: each
 * run takes its lease in Elasticsearch. SIGTERM/SIGINT stop the schedules, wait for running jobs
 * and exit within JOBS_SHUTDOWN_TIMEOUT_MS, lifting any write block an unfinished erasure holds.
 */
async function main(): Promise<void> {
  const config = parseEnvOrExit(JobsEnvSchema, process.env);
  const logger = createLogger('jobs', config.LOG_LEVEL);
  const registry = createMetricsRegistry('jobs');
  const kafka = createKafka(config, logger);
  const es = createElasticsearchClient(config);
  const jobs = createJobs(config, { es, kafka, logger, metrics: createJobMetrics(registry) });

  await jobs.prepare();
  try {
    await jobs.checkTopics(new Date());
  } catch (error) {
    if (error instanceof TopicPolicyRefusedError) {
      console.error(error.message);
      for (const v of error.report.violations)
        console.error(`  ${v.topic} ${v.setting}: ${v.problem}`);
      await es.close();
      process.exit(3);
    }
    throw error;
  }

  const running = new Set<Promise<unknown>>();
  const schedule = (name: string, expression: string, job: (now: Date) => Promise<unknown>) =>
    cron.schedule(expression, oneRunAtATime(name, job, running, logger), {
      timezone: 'UTC',
      name,
    });
  const tasks: ScheduledTask[] = [
    schedule('retention', config.RETENTION_CRON, jobs.retention),
    schedule('anonymisation', config.ANONYMISATION_CRON, jobs.anonymisation),
  ];
  if (jobs.truncation)
    tasks.push(schedule('kafka-truncation', config.KAFKA_TRUNCATE_CRON, jobs.truncation));
  if (jobs.autoAnonymisation)
    tasks.push(schedule('auto-anonymisation', config.AUTO_ANONYMISE_CRON, jobs.autoAnonymisation));
  const ops = await startOpsServer({
    host: config.JOBS_OPS_HOST,
    port: config.JOBS_OPS_PORT,
    registry,
    isLive: () => true,
    isReady: () => true,
  });
  logger.info(
    {
      port: ops.port,
      retention: config.RETENTION_CRON,
      anonymisation: config.ANONYMISATION_CRON,
      kafkaTruncation: config.KAFKA_TRUNCATE_ENABLED ? config.KAFKA_TRUNCATE_CRON : 'off',
      autoAnonymiseAfterDays: config.AUTO_ANONYMISE_AFTER_DAYS ?? 'off',
    },
    'jobs scheduled',
  );

  exitOnShutdownSignals(logger, config.JOBS_SHUTDOWN_TIMEOUT_MS, async () => {
    await Promise.all(tasks.map(async (task) => task.stop()));
    // Half the deadline for running jobs to finish, the rest to lift any write block they hold.
    await Promise.race([Promise.all(running), sleep(config.JOBS_SHUTDOWN_TIMEOUT_MS / 2)]);
    await liftHeldWriteBlocks();
    await Promise.all([ops.close(), es.close(), jobs.close()]);
  });
}

main().catch((error: unknown) => {
  console.error('jobs failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
