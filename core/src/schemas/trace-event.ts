import { z } from 'zod';

/**
 * The one document Ariane stores per observed fact: a gateway leg, a gateway transaction
 * summary or policy path, a generic gateway access-log line, or a backend service log line.
 *
 * Names follow the Elastic Common Schema where ECS has a field; what ECS lacks lives under
 * `ariane.*`. The index template (core/src/es/templates/events.json) maps exactly these fields;
 * unknown fields are kept in `_source` but never indexed, so junk cannot explode the mapping.
 *
 * Joins: a request's events share `http.request.id` (X-Request-Id). Gateway events also carry
 * `transaction.id` (the Axway correlation id); a backend that logged only the `X-CorrelationID`
 * header it received is joined through `ariane.correlation_ids`, which lists every Axway
 * correlation id an event refers to.
 */

export const EVENT_DATASETS = [
  'axway.leg',
  'axway.summary',
  'axway.circuit_path',
  'gateway.access',
  'service.log',
] as const;
export const EventDatasetSchema = z.enum(EVENT_DATASETS);
export type EventDataset = z.infer<typeof EventDatasetSchema>;

export const EventOutcomeSchema = z.enum(['success', 'failure', 'unknown']);
export type EventOutcome = z.infer<typeof EventOutcomeSchema>;

/** Flags set at ingest; the query API turns some of them into timeline anomalies. */
export const EVENT_FLAGS = [
  'future_timestamp',
  'missing_request_id',
  'redacted_secret',
  'anonymised_at_ingest',
  /** No service name in the line, its envelopes or the configured mapping: stored as `unknown`. */
  'unknown_service',
  /** The line had no timestamp of its own: `@timestamp` is the shipper's. */
  'time_from_shipper',
] as const;
export const EventFlagSchema = z.enum(EVENT_FLAGS);
export type EventFlag = z.infer<typeof EventFlagSchema>;

const isoDate = z.iso.datetime({ offset: true });

export const TraceEventSchema = z.object({
  '@timestamp': isoDate,
  event: z.object({
    /** Deterministic id derived from the event itself; also the Elasticsearch `_id`. */
    id: z.string(),
    dataset: EventDatasetSchema,
    kind: z.literal('event'),
    category: z.array(z.string()),
    type: z.array(z.string()),
    outcome: EventOutcomeSchema,
    start: isoDate.optional(),
    end: isoDate.optional(),
    /** Nanoseconds, as ECS defines it. */
    duration: z.number().int().nonnegative().optional(),
    /** Gateway leg number for Axway legs, so a timeline can order legs of one transaction. */
    sequence: z.number().int().nonnegative().optional(),
    /** When a shipper read the line (its envelope's timestamp); `@timestamp` stays the line's own. */
    created: isoDate.optional(),
    ingested: isoDate,
  }),
  http: z
    .object({
      request: z
        .object({
          id: z.string().optional(),
          method: z.string().optional(),
          bytes: z.number().int().nonnegative().optional(),
        })
        .optional(),
      response: z
        .object({
          status_code: z.number().int().min(100).max(999).optional(),
          bytes: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
  url: z
    .object({
      path: z.string().optional(),
      query: z.string().optional(),
      original: z.string().optional(),
    })
    .optional(),
  transaction: z.object({ id: z.string() }).optional(),
  /** W3C trace context (traceparent, or the ids a service logged): another join key. */
  trace: z.object({ id: z.string() }).optional(),
  span: z.object({ id: z.string() }).optional(),
  /** The caller's span id: the parent in a call tree. */
  parent: z.object({ id: z.string() }).optional(),
  service: z.object({
    name: z.string(),
    node: z.object({ name: z.string() }).optional(),
    type: z.enum(['gateway', 'backend']),
  }),
  client: z.object({ ip: z.string().optional(), port: z.number().int().optional() }).optional(),
  destination: z
    .object({ address: z.string().optional(), port: z.number().int().optional() })
    .optional(),
  network: z
    .object({
      direction: z.enum(['inbound', 'outbound', 'internal', 'unknown']).optional(),
      /** Gateway legs: http, jms or ftp (Axway file-transfer legs). */
      protocol: z.string().optional(),
      forwarded_ip: z.array(z.string()).optional(),
    })
    .optional(),
  user: z.object({ id: z.string() }).optional(),
  user_agent: z.object({ original: z.string() }).optional(),
  organization: z.object({ id: z.string() }).optional(),
  observer: z
    .object({ vendor: z.string(), product: z.string(), hostname: z.string().optional() })
    .optional(),
  log: z
    .object({
      level: z.string().optional(),
      logger: z.string().optional(),
      /** The file a shipper tailed. */
      file: z.object({ path: z.string() }).optional(),
    })
    .optional(),
  /** Where the line was written, as its shipper's envelope says. */
  host: z.object({ name: z.string() }).optional(),
  container: z.object({ name: z.string().optional(), id: z.string().optional() }).optional(),
  orchestrator: z
    .object({
      type: z.string(),
      namespace: z.string().optional(),
      resource: z.object({ type: z.string(), name: z.string() }).optional(),
    })
    .optional(),
  /** The shipper that read the line (filebeat, fluent-bit, vector, rsyslog, otel-collector...). */
  agent: z.object({ type: z.string() }).optional(),
  message: z.string().optional(),
  error: z
    .object({
      message: z.string().optional(),
      type: z.string().optional(),
      code: z.string().optional(),
    })
    .optional(),
  ariane: z.object({
    /** X-Application-Id: the non-meaningful id of the user's front-office session. */
    session_id: z.string().optional(),
    /** OAuth client id or API key client the gateway authenticated. */
    client_id: z.string().optional(),
    /** API-Manager application name and organisation, when the gateway knows them. */
    app_name: z.string().optional(),
    app_org: z.string().optional(),
    api_name: z.string().optional(),
    api_operation: z.string().optional(),
    /** Gateway leg: 0 is client to gateway, 1..n are the gateway's calls to backends. */
    leg: z.number().int().nonnegative().optional(),
    /** Axway's own verdict on a leg or transaction (Pass, Fail, Error / success, failure...). */
    gateway_status: z.string().optional(),
    /** Every Axway correlation id this event refers to (its own, or those from X-CorrelationID). */
    correlation_ids: z.array(z.string()).optional(),
    /** The timestamp exactly as the source wrote it; never rewritten, so skew stays visible. */
    raw_timestamp: z.string(),
    flags: z.array(EventFlagSchema).optional(),
    /** Raw header blocks with secrets redacted at ingest. Kept, not indexed. */
    request_headers: z.string().optional(),
    response_headers: z.string().optional(),
    /** Axway policy path, kept for display, not indexed. */
    circuit_path: z.unknown().optional(),
    /** Envelopes ingest opened to reach the line, outermost first (filebeat, cri, otlp...). */
    envelopes: z.array(z.string()).optional(),
    /** Axway gateway group and instance, from the log file's name (`group-2_instance-1`). */
    gateway_group: z.string().optional(),
    gateway_instance: z.string().optional(),
    /** Where the record was read from. Not part of the `_id`: a replay lands on the same document. */
    source: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
    /** Set once an anonymisation rewrote this document; the value is the operation id. */
    anonymisation_id: z.string().optional(),
  }),
});
export type TraceEvent = z.infer<typeof TraceEventSchema>;
