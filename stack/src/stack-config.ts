import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv } from '../../core/src/config/parse-env.js';

/**
 * Versions of the real servers the local stack runs. docker-compose.yml pins the same ones;
 * test/unit/compose.test.ts fails when the two drift apart. Kafka 4.4 is the newest 4.x release
 * on Maven Central, and kafkajs 2.2 speaks it (every API it uses has a version both support);
 * `KAFKA_VERSION=3.9.2` still runs the previous line.
 */
export const KAFKA_VERSION = '4.4.0';
export const ELASTICSEARCH_VERSION = '8.19.21';

const port = z.coerce.number().int().min(1).max(65535);
/** A JVM heap size as -Xmx takes it; checked here so a typo fails before a JVM is started. */
const heap = z.string().regex(/^\d+[kmgKMG]$/, 'expected a JVM heap size such as 512m or 1g');

export const StackConfigSchema = z.object({
  ARIANE_STACK_DIR: z.string().min(1).default('.stack'),
  KAFKA_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'expected a Kafka release such as 4.4.0 or 3.9.2')
    .default(KAFKA_VERSION),
  KAFKA_PORT: port.default(9092),
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_HEAP: heap.default('512m'),
  ES_PORT: port.default(9200),
  ES_TRANSPORT_PORT: port.default(9300),
  ES_HEAP: heap.default('1g'),
  /** Elasticsearch refuses to run as root; when we are root it runs as this system user. */
  ES_RUN_AS_USER: z.string().default('ariane-es'),
  JAVA_HOME: z.string().optional(),
  STACK_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(180_000),
});
export type StackConfig = z.infer<typeof StackConfigSchema> & {
  readonly root: string;
  readonly projectRoot: string;
};

/** The repository root: a relative ARIANE_STACK_DIR is resolved against it, not the cwd. */
export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function loadStackConfig(
  env: NodeJS.ProcessEnv = process.env,
  projectRoot = PROJECT_ROOT,
): StackConfig {
  const parsed = parseEnv(StackConfigSchema, env);
  return Object.freeze({
    ...parsed,
    projectRoot,
    root: path.resolve(projectRoot, parsed.ARIANE_STACK_DIR),
  });
}
