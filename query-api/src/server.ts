import { createOperationStore } from '../../core/src/anonymisation/operation-log.js';
import { parseEnvOrExit } from '../../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { exitOnShutdownSignals } from '../../core/src/lifecycle/shutdown.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { createMetricsRegistry } from '../../core/src/observability/metrics.js';
import { buildApp } from './app.js';
import { QueryApiEnvSchema } from './config.js';
import { createElasticsearchEventStore } from './store/elasticsearch-event-store.js';

/** Milliseconds a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Composition root of the query API: reads the environment, builds the Elasticsearch client and
 * the app, and listens. SIGTERM or SIGINT stops accepting connections, lets in-flight requests
 * finish and closes the client (the app owns it), within SHUTDOWN_DEADLINE_MS.
 */
async function main(): Promise<void> {
  const config = parseEnvOrExit(QueryApiEnvSchema, process.env);
  const logger = createLogger('query-api', config.LOG_LEVEL);
  const client = createElasticsearchClient(config, { requestTimeout: config.QUERY_ES_TIMEOUT_MS });
  const app = await buildApp(config, {
    store: createElasticsearchEventStore(client, config.QUERY_ES_TIMEOUT_MS),
    operations: createOperationStore(client, indexNames(config.ARIANE_INDEX_PREFIX)),
    logger,
    metrics: createMetricsRegistry('query-api'),
  });
  exitOnShutdownSignals(logger, SHUTDOWN_DEADLINE_MS, async () => {
    await app.close();
    logger.info('stopped');
  });

  await app.listen({ host: config.QUERY_API_HOST, port: config.QUERY_API_PORT });
  logger.info({ host: config.QUERY_API_HOST, port: config.QUERY_API_PORT }, 'query API listening');
}

main().catch((error: unknown) => {
  console.error('query-api failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
