import {
  Kafka,
  logLevel,
  Partitioners,
  type KafkaConfig,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { ConnectionEnv } from '../config/connections.js';
import type { Logger } from '../observability/logger.js';
import {
  createClientSockets,
  LEFTOVER_SOCKET_CLOSED,
  type ClientSockets,
} from './client-sockets.js';

export type KafkaConnection = Pick<
  ConnectionEnv,
  | 'KAFKA_BROKERS'
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_SSL'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

const LEVEL_NAMES: Record<number, LevelName> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

type LevelName = 'error' | 'warn' | 'info' | 'debug';

/**
 * Conditions kafkajs logs at error level that are routine for a consumer group: the coordinator
 * is still loading or moving (every start, every broker restart), the group is rebalancing
 * (every member joining or leaving). kafkajs retries them itself; an operator paged for them
 * learns nothing. A real failure still logs at error: when the retries run out, kafkajs logs the
 * crash, and Ariane's own code logs what it could not do.
 */
const ROUTINE_GROUP_CONDITIONS = [
  /group coordinator is not available/i,
  /coordinator is loading/i,
  /not the correct coordinator/i,
  /group is rebalancing/i,
  /rebalance in progress/i,
];

/**
 * The pino level of a kafkajs log entry: routine group conditions go to info; the connection
 * error kafkajs logs when the owner closes a socket it had forgotten (closeLeftoverSockets) is
 * Ariane's own shutdown, and goes to debug (the owner logs the count itself).
 */
export function kafkaLogLevel(level: number, message: string, error: unknown): LevelName {
  const name = LEVEL_NAMES[level] ?? 'info';
  if (name !== 'error' && name !== 'warn') return name;
  const text = `${message} ${typeof error === 'string' ? error : ''}`;
  if (text.includes(LEFTOVER_SOCKET_CLOSED)) return 'debug';
  return ROUTINE_GROUP_CONDITIONS.some((pattern) => pattern.test(text)) ? 'info' : name;
}

/**
 * Every producer Ariane makes: topics are created by setup, never by a write, and the default
 * partitioner is chosen explicitly (kafkajs warns on every producer that does not).
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

const clientSockets = new WeakMap<Kafka, ClientSockets>();

/**
 * For the owner of `kafka`, once every consumer, producer and admin made from it has
 * disconnected: destroys the broker sockets kafkajs left open (see ClientSockets.closeLeftovers)
 * and returns how many there were, so the owner can log it.
 */
export function closeLeftoverSockets(kafka: Kafka): number {
  return clientSockets.get(kafka)?.closeLeftovers() ?? 0;
}

/**
 * The only place a kafkajs client is built. kafkajs logs go through pino, keeping only the
 * message and broker-level fields: kafkajs never logs record contents. Its sockets are counted,
 * so that its owner can close those kafkajs forgets (closeLeftoverSockets).
 */
export function createKafka(config: KafkaConnection, logger?: Logger): Kafka {
  const sockets = createClientSockets();
  const options: KafkaConfig = {
    socketFactory: sockets.socketFactory,
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
        kafkaLogger[kafkaLogLevel(level, String(message), error)](
          { broker, groupId, topic, error },
          String(message),
        );
      };
  }
  const kafka = new Kafka(options);
  clientSockets.set(kafka, sockets);
  return kafka;
}
