import { z } from 'zod';
import { DurationMsSchema } from '../common-fields.js';

/**
 * Ariane's generic access-log JSON, for gateways other than Axway (nginx, Kong, Envoy... with a
 * JSON log format configured to write these names). One object per request, as the gateway saw
 * it from the client. `timestamp` is when the request started: an ISO 8601 date, or epoch
 * seconds, milliseconds, microseconds or nanoseconds. Unknown fields are accepted and not indexed.
 *
 * ```json
 * {"timestamp":"2026-11-21T09:30:00.120Z","request_id":"6f1c2e0a-9a8b-4d0e-8f3c-5b7d2a1e4c90",
 *  "application_id":"sess-81f3","tenant_id":"12","method":"GET","path":"/access-external/v1/units",
 *  "query":"$limit=100","status":200,"duration_ms":42.5,"client_ip":"203.0.113.7",
 *  "user_agent":"curl/8.5.0","client_id":"app-ministere-x","service":"access-external",
 *  "upstream_service":"vitam-access:8082","gateway":"kong-edge-1"}
 * ```
 */
export const GenericAccessLogSchema = z.looseObject({
  /** Any form `parseSourceTimestamp` reads: ISO 8601 or epoch s/ms/µs/ns. */
  timestamp: z.union([z.string().min(1).max(64), z.number()]),
  request_id: z.string().min(1).max(256).optional(),
  /** X-Application-Id: the front-office session. */
  application_id: z.string().min(1).max(256).optional(),
  /** X-Tenant-Id. */
  tenant_id: z.union([z.string().min(1).max(256), z.number().int()]).optional(),
  /** Axway-style correlation ids the gateway saw, e.g. `Id-<24 hex> 0`; optional. */
  correlation_id: z.string().max(1024).optional(),
  method: z.string().min(1).max(32),
  path: z.string().min(1).max(8192),
  /** Without the leading `?`. Secrets in it are redacted at ingest. */
  query: z.string().max(8192).optional(),
  status: z.number().int().min(100).max(999),
  duration_ms: DurationMsSchema.optional(),
  client_ip: z.string().max(64).optional(),
  /** Raw X-Forwarded-For value. */
  forwarded_for: z.string().max(1024).optional(),
  user_id: z.string().max(512).optional(),
  user_agent: z.string().max(2048).optional(),
  /** OAuth client id or API key owner the gateway authenticated. */
  client_id: z.string().max(256).optional(),
  /** API (service) name the request was routed to. */
  service: z.string().max(256).optional(),
  upstream_service: z.string().max(512).optional(),
  /** Name of the gateway instance that wrote the line. */
  gateway: z.string().max(256).optional(),
  bytes_sent: z.number().int().nonnegative().optional(),
  bytes_received: z.number().int().nonnegative().optional(),
});
export type GenericAccessLog = z.infer<typeof GenericAccessLogSchema>;
