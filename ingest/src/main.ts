import { parseEnvOrExit } from '../../core/src/config/parse-env.js';
import { DenyListRefresher } from '../../core/src/anonymisation/deny-list-store.js';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { closeLeftoverSockets, createKafka } from '../../core/src/kafka/client.js';
import { exitOnShutdownSignals } from '../../core/src/lifecycle/shutdown.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { createMetricsRegistry } from '../../core/src/observability/metrics.js';
import { startOpsServer } from '../../core/src/observability/ops-server.js';
import { IngestEnvSchema } from './config.js';
import { prepareIngest, startIngest } from './ingest.js';

/**
 * Composition root of the ingest service: reads the environment, builds the clients, creates
 * topics and the index template when missing, starts consuming and serves /healthz, /readyz and
 * /metrics. SIGTERM or SIGINT stops intake, lets in-flight bulks finish and commit (or give up
 * uncommitted), and exits within INGEST_SHUTDOWN_TIMEOUT_MS.
 */
async function main(): Promise<void> {
  const config = parseEnvOrExit(IngestEnvSchema, process.env);
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const registry = createMetricsRegistry('ingest');
  const kafka = createKafka(config, logger);
  const es = createElasticsearchClient(config);

  const { createdTopics } = await prepareIngest(config, { kafka, es });
  if (createdTopics.length > 0) logger.info({ topics: createdTopics }, 'topics created');
  const denyList = config.ANONYMISATION_DENYLIST_KEY
    ? new DenyListRefresher({
        es,
        names: indexNames(config.ARIANE_INDEX_PREFIX),
        key: config.ANONYMISATION_DENYLIST_KEY,
        intervalMs: config.INGEST_DENYLIST_REFRESH_MS,
        logger,
      })
    : undefined;
  if (denyList) await denyList.start();
  else
    logger.warn('ANONYMISATION_ENABLED=false: late events are not checked against the deny list');
  const ingest = await startIngest(config, {
    kafka,
    es,
    logger,
    registry,
    ...(denyList && { denyList }),
  });
  const ops = await startOpsServer({
    host: config.INGEST_OPS_HOST,
    port: config.INGEST_OPS_PORT,
    registry,
    isLive: () => ingest.isLive(),
    isReady: () => ingest.isReady(),
  });
  logger.info({ port: ops.port }, 'ops server listening');

  exitOnShutdownSignals(logger, config.INGEST_SHUTDOWN_TIMEOUT_MS, async () => {
    await ingest.stop();
    const leftovers = closeLeftoverSockets(kafka);
    // Routine with kafkajs (core/src/kafka/client-sockets.ts says when), and handled here.
    if (leftovers > 0)
      logger.info({ sockets: leftovers }, 'closed broker sockets kafkajs left open');
    await Promise.all([ops.close(), denyList?.stop()]);
    await es.close();
  });
}

main().catch((error: unknown) => {
  console.error('ingest failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
