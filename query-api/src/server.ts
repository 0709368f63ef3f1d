import { createOperationStore } from '../../core/src/anonymisation/operation-log.js';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { ConfigError, parseEnv } from '../../core/src/config/parse-env.js';
import { createLogger } from '../../core/src/observability/logger.js';
import { createMetricsRegistry } from '../../core/src/observability/metrics.js';
import { buildApp } from './app.js';
import { QueryApiEnvSchema } from './config.js';
import { createElasticsearchEventStore } from './store/event-store.js';

/** Seconds a shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = parseEnv(QueryApiEnvSchema, process.env);
  const logger = createLogger('query-api', config.LOG_LEVEL);
  const client = createElasticsearchClient(config, { requestTimeout: config.QUERY_ES_TIMEOUT_MS });
  const app = await buildApp(config, {
    store: createElasticsearchEventStore(client, config.QUERY_ES_TIMEOUT_MS),
    operations: createOperationStore(client, indexNames(config.ARIANE_INDEX_PREFIX)),
    logger,
    metrics: createMetricsRegistry('query-api'),
  });

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) =>
    (stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error('shutdown deadline passed, exiting');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      await app.close();
      logger.info('stopped');
    })());
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.QUERY_API_HOST, port: config.QUERY_API_PORT });
  logger.info({ host: config.QUERY_API_HOST, port: config.QUERY_API_PORT }, 'query API listening');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(
      `query-api failed to start: ${(error as Error).name}: ${(error as Error).message}\n`,
    );
  process.exit(1);
});
