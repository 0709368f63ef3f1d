import { z } from 'zod';
import { ConnectionEnvSchema } from '../../core/src/config/connections.js';

/**
 * The query API's environment. Authentication is configured by JWT_* and/or API_KEYS; with
 * neither, every business endpoint answers 401 (the server warns at start-up).
 */
export const QueryApiEnvSchema = ConnectionEnvSchema.extend({
  QUERY_API_HOST: z.string().min(1).default('127.0.0.1'),
  QUERY_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** HS256 shared secret; at least 32 bytes so it cannot be brute-forced offline. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** RS256 public key, SPKI PEM. */
  JWT_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'expected a SPKI PEM' })
    .optional(),
  /** RS256 keys served as a JWKS document. */
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** Service-account keys, stored as SHA-256 hashes: see query-api/README.md for the format. */
  API_KEYS: z.string().min(1).optional(),
  /**
   * Signs cursor ids. Unset: a random secret is generated at start-up (with a warning), so
   * cursors do not survive a restart and do not work across replicas behind a load balancer.
   */
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CURSOR_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  QUERY_MAX_TIMELINE_EVENTS: z.coerce.number().int().min(100).max(100_000).default(10_000),
  CLOCK_SKEW_TOLERANCE_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  QUERY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(1_048_576),
  QUERY_MAX_HEADER_BYTES: z.coerce.number().int().min(4096).max(65_536).default(16_384),
  QUERY_ES_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type QueryApiEnv = z.infer<typeof QueryApiEnvSchema>;
