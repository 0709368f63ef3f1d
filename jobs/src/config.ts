import cron from 'node-cron';
import { z } from 'zod';
import { ConnectionEnvSchema, envBoolean } from '../../core/src/config/connections.js';
import { TOPIC_POLICY_MODES } from './kafka/topic-policy.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const cronExpression = z
  .string()
  .refine(
    (expression) => cron.validate(expression),
    'expected a cron expression such as "17 * * * *"',
  );

/** The jobs service's environment. Times are milliseconds; schedules run in UTC. */
export const JobsEnvSchema = ConnectionEnvSchema.extend({
  JOBS_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  JOBS_OPS_PORT: int(0, 65535).default(9102),
  RETENTION_CRON: cronExpression.default('17 * * * *'),
  RETENTION_DRY_RUN: envBoolean(false),
  ANONYMISATION_CRON: cronExpression.default('* * * * *'),
  /** HMAC key of the deny list; shared with ingest. At least 32 characters. */
  ANONYMISATION_DENYLIST_KEY: z.string().min(32, 'at least 32 characters'),
  /** Keep an anonymised session's requests linkable under a fresh random session id. */
  ANONYMISATION_KEEP_SESSION_LINKAGE: envBoolean(false),
  KAFKA_TOPIC_POLICY: z.enum(TOPIC_POLICY_MODES).default('correct'),
  /** Ingest's consumer group (same variable, same value as ingest): its commits bound truncation. */
  INGEST_GROUP_ID: z.string().min(1).default('ariane-ingest'),
  /** Truncate the input topics up to what every known group committed. */
  KAFKA_TRUNCATE_ENABLED: envBoolean(true),
  KAFKA_TRUNCATE_CRON: cronExpression.default('*/5 * * * *'),
  /**
   * Append a segment-roll marker to an idle, fully truncated partition so its last segment leaves
   * the disk too. Needs write permission on the input and dead-letter topics; off: that segment
   * stays until the next record or retention.
   */
  KAFKA_ROLL_IDLE_SEGMENTS: envBoolean(true),
  /**
   * Other consumer groups of the input topics that must keep their data: truncation never goes
   * past their commits, and a partition one of them has not committed yet is not truncated.
   */
  KAFKA_RETAINING_GROUPS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((group) => group.trim())
        .filter((group) => group.length > 0),
    ),
  /** A lease not renewed for this long is considered abandoned by a crashed instance. */
  JOBS_LOCK_TTL_MS: int(60_000, 24 * 3_600_000).default(3_600_000),
  JOBS_SHUTDOWN_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
  /** Optional policy: anonymise every event older than this many days. Unset: off. */
  AUTO_ANONYMISE_AFTER_DAYS: int(1, 3_650).optional(),
  AUTO_ANONYMISE_CRON: cronExpression.default('43 * * * *'),
}).refine(
  (env) =>
    env.AUTO_ANONYMISE_AFTER_DAYS === undefined ||
    env.AUTO_ANONYMISE_AFTER_DAYS < env.RETENTION_DAYS,
  {
    path: ['AUTO_ANONYMISE_AFTER_DAYS'],
    message: 'must be less than RETENTION_DAYS: retention deletes events before they get older',
  },
);
export type JobsEnv = z.infer<typeof JobsEnvSchema>;
