import path from 'node:path';
import { ELASTICSEARCH_VERSION, type StackConfig } from './stack-config.js';

/**
 * Where everything the local stack owns lives under ARIANE_STACK_DIR. Downloads (`cache/`,
 * `dist/`) survive `down`; each server keeps its config, data, logs and pid file in its own
 * folder so that `rm -rf .stack/kafka` resets one server without refetching anything.
 */
export function stackLayout(config: StackConfig) {
  const root = config.root;
  const kafka = path.join(root, 'kafka');
  const es = path.join(root, 'elasticsearch');
  return {
    root,
    lockFile: path.join(root, 'stack.lock'),
    cache: path.join(root, 'cache'),
    dist: path.join(root, 'dist'),
    kafka: {
      dir: kafka,
      classpathFile: path.join(root, 'cache', `kafka-${config.KAFKA_VERSION}.classpath`),
      serverProperties: path.join(kafka, 'config', 'server.properties'),
      log4jProperties: path.join(kafka, 'config', 'log4j.properties'),
      log4j2Properties: path.join(kafka, 'config', 'log4j2.properties'),
      data: path.join(kafka, 'data'),
      logs: path.join(kafka, 'logs'),
      serverLog: path.join(kafka, 'logs', 'server.log'),
      stdoutLog: path.join(kafka, 'logs', 'stdout.log'),
      pidFile: path.join(kafka, 'kafka.pid'),
    },
    elasticsearch: {
      dir: es,
      distHome: path.join(root, 'dist', `elasticsearch-${ELASTICSEARCH_VERSION}`),
      /** A private copy of the distribution: Elasticsearch writes its keystore into config/. */
      home: path.join(es, 'home'),
      data: path.join(es, 'data'),
      logs: path.join(es, 'logs'),
      tmp: path.join(es, 'tmp'),
      serverLog: path.join(es, 'logs', `${ES_CLUSTER_NAME}.log`),
      launcherLog: path.join(es, 'logs', 'launcher.log'),
      pidFile: path.join(es, 'elasticsearch.pid'),
    },
  };
}
export type StackLayout = ReturnType<typeof stackLayout>;

export const ES_CLUSTER_NAME = 'ariane-local';
