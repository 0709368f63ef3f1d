// One-shot setup (the docker-compose `setup` service, and `npm start` before the services):
// Kafka topics with bounded retention, the events index template, and, when a Kibana is
// configured, the kibana_system password and the saved objects. Every step is idempotent.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConnectionEnvSchema } from '../core/src/config/connections.js';
import { ConfigError, parseEnv } from '../core/src/config/parse-env.js';
import { createElasticsearchClient } from '../core/src/es/client.js';
import { indexNames } from '../core/src/es/index-names.js';
import { installEventsTemplate } from '../core/src/es/setup.js';
import { createKafka } from '../core/src/kafka/client.js';
import { ensureTopics } from '../core/src/kafka/setup.js';
import { topicNames } from '../core/src/kafka/topics.js';
import { createLogger } from '../core/src/observability/logger.js';
import { importSavedObjects, waitForKibana } from '../dashboards/src/kibana-import.js';

export const SetupEnvSchema = ConnectionEnvSchema.extend({
  KIBANA_URL: z.url().optional(),
  KIBANA_PASSWORD: z.string().min(8).optional(),
  /** The query API as users' browsers reach it; Kibana's links to the timeline page point there. */
  ARIANE_PUBLIC_URL: z.url().optional(),
});
export type SetupEnv = z.infer<typeof SetupEnvSchema>;

const SAVED_OBJECTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../dashboards/saved-objects',
);

export async function runSetup(config: SetupEnv): Promise<void> {
  const logger = createLogger('setup', config.LOG_LEVEL);
  const es = createElasticsearchClient(config);
  try {
    const created = await ensureTopics(
      createKafka(config, logger),
      topicNames(config.ARIANE_TOPIC_PREFIX),
      {
        partitions: config.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
        retentionDays: config.RETENTION_DAYS,
      },
    );
    logger.info({ created }, 'kafka topics ready');
    await installEventsTemplate(
      es,
      indexNames(config.ARIANE_INDEX_PREFIX),
      config.ARIANE_INDEX_PREFIX,
      config.ES_NUMBER_OF_REPLICAS,
    );
    logger.info('events index template installed');
    if (config.KIBANA_PASSWORD) {
      await es.security.changePassword({
        username: 'kibana_system',
        password: config.KIBANA_PASSWORD,
      });
      logger.info('kibana_system password set');
    }
    if (config.KIBANA_URL) {
      const kibana = {
        url: config.KIBANA_URL,
        ...(config.ES_USERNAME ? { username: config.ES_USERNAME } : {}),
        ...(config.ES_PASSWORD ? { password: config.ES_PASSWORD } : {}),
      };
      await waitForKibana(kibana, 300_000);
      const results = await importSavedObjects(
        kibana,
        SAVED_OBJECTS_DIR,
        config.ARIANE_PUBLIC_URL ? { timelineOrigin: config.ARIANE_PUBLIC_URL } : {},
      );
      for (const result of results) logger.info(result, 'kibana saved objects imported');
      if (results.some((result) => !result.success)) throw new Error('Kibana import failed');
    }
  } finally {
    await es.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await runSetup(parseEnv(SetupEnvSchema, process.env));
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `setup failed: ${String(error)}`);
    process.exit(1);
  }
}
