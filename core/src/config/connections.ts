import { z } from 'zod';

/**
 * Environment variables shared by every Ariane service: how to reach Kafka and Elasticsearch,
 * how Ariane names its topics and indices, and the retention window. Each service's own schema
 * extends this one, so a variable means the same thing everywhere.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** In zod 4 a default short-circuits parsing, so it is given as the parsed boolean. */
export const envBoolean = (defaultValue: boolean) => booleanFlag.default(defaultValue);

const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
  )
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'at least one broker is required'),
  );

/** Index and topic prefixes become part of names, so they are restricted to safe characters. */
const namePrefix = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, 'lower-case letters, digits, ".", "_" or "-", 1-41 chars');

export const ConnectionEnvSchema = z.object({
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('ariane'),
  KAFKA_SSL: envBoolean(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  ES_URL: z.url({ message: 'expected an http(s) URL' }).default('http://127.0.0.1:9200'),
  ES_USERNAME: z.string().min(1).optional(),
  ES_PASSWORD: z.string().min(1).optional(),
  ES_API_KEY: z.string().min(1).optional(),
  ES_CA_FILE: z.string().min(1).optional(),
  /** Used only when Ariane creates its topics (setup, or ingest finding them missing). */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  /**
   * Replicas of every index Ariane creates (daily events through the template, and the small
   * indices). Used when creating; the small indices are also brought to it at start-up.
   */
  ES_NUMBER_OF_REPLICAS: z.coerce.number().int().min(0).max(10).default(0),
  ARIANE_INDEX_PREFIX: namePrefix.default('ariane'),
  ARIANE_TOPIC_PREFIX: namePrefix.default('ariane'),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ConnectionEnv = z.infer<typeof ConnectionEnvSchema>;
