import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { ConnectionEnv } from '../config/connections.js';
import type { Logger } from '../observability/logger.js';

export type KafkaConnection = Pick<
  ConnectionEnv,
  | 'KAFKA_BROKERS'
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_SSL'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The only place a kafkajs client is built. kafkajs logs go through pino, keeping only the
 * message and broker-level fields: kafkajs never logs record contents.
 */
export function createKafka(config: KafkaConnection, logger?: Logger): Kafka {
  const options: KafkaConfig = {
    clientId: config.KAFKA_CLIENT_ID,
    brokers: [...config.KAFKA_BROKERS],
    ssl: config.KAFKA_SSL,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
  };
  if (config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD) {
    options.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME,
      password: config.KAFKA_SASL_PASSWORD,
    } as SASLOptions;
  }
  if (logger) {
    const kafkaLogger = logger.child({ component: 'kafkajs' });
    options.logCreator =
      () =>
      ({ level, log }) => {
        const { message, broker, groupId, topic, error } = log as Record<string, unknown>;
        kafkaLogger[LEVEL_NAMES[level] ?? 'info'](
          { broker, groupId, topic, error },
          String(message),
        );
      };
  }
  return new Kafka(options);
}
