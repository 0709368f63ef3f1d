import { z } from 'zod';
import { EventOutcomeSchema } from '../../../core/src/schemas/trace-event.js';
import { RequestIdSchema } from './ids.js';

export const RequestParamsSchema = z.object({
  requestId: RequestIdSchema.describe('The X-Request-Id to trace'),
});

/** A stored TraceEvent (core/src/schemas/trace-event.ts), returned as indexed. */
export const StoredEventSchema = z
  .record(z.string(), z.unknown())
  .describe('A TraceEvent document as stored (core/src/schemas/trace-event.ts)');

export const HopKindSchema = z.enum(['gateway_leg', 'gateway_access', 'service']);

export const HopSchema = z.object({
  index: z.number().int().describe('Position of this hop in `hops`, used by anomalies'),
  kind: HopKindSchema,
  service: z.string(),
  node: z.string().nullable(),
  transactionId: z.string().nullable(),
  leg: z.number().int().nullable().describe('Gateway leg: 0 inbound, 1..n calls to backends'),
  /** For a service hop, the outbound gateway leg that called it, when one matches. */
  calledBy: z.number().int().nullable(),
  start: z.string(),
  end: z.string(),
  durationMs: z.number(),
  status: z.number().int().nullable(),
  outcome: EventOutcomeSchema,
  rawTimestamps: z.array(z.string()).describe('Timestamps exactly as the sources wrote them'),
  eventIds: z.array(z.string()),
});
export type Hop = z.infer<typeof HopSchema>;

export const ANOMALY_TYPES = [
  'missing_hop',
  'status_mismatch',
  'clock_skew',
  'request_id_reused_across_tenants',
  'request_id_reused_across_sessions',
  'truncated',
  'future_timestamp',
] as const;
export const AnomalySchema = z.object({
  type: z.enum(ANOMALY_TYPES),
  message: z.string(),
  hops: z.array(z.number().int()),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type Anomaly = z.infer<typeof AnomalySchema>;

export const TimelineErrorSchema = z.object({
  eventId: z.string(),
  service: z.string(),
  status: z.number().int().nullable(),
  code: z.string().nullable(),
  type: z.string().nullable(),
  message: z.string().nullable(),
});

export const TimelineSummarySchema = z.object({
  method: z.string().nullable(),
  path: z.string().nullable(),
  finalStatus: z.number().int().nullable(),
  outcome: EventOutcomeSchema,
  start: z.string().nullable(),
  end: z.string().nullable(),
  totalDurationMs: z.number().nullable(),
  gatewayMs: z.number().nullable().describe('Leg 0 minus the outbound legs'),
  backendMs: z.number().nullable().describe('Sum of the outbound legs (or service hops)'),
  services: z.array(z.string()),
  errors: z.array(TimelineErrorSchema),
  correlation: z.object({
    tenant: z.string(),
    sessionIds: z.array(z.string()),
    clientIds: z.array(z.string()),
    transactionIds: z.array(z.string()).describe('Axway correlation ids'),
  }),
  eventCount: z.number().int(),
  totalEvents: z.number().int(),
});

export const RequestTimelineSchema = z.object({
  requestId: z.string(),
  summary: TimelineSummarySchema,
  hops: z.array(HopSchema),
  anomalies: z.array(AnomalySchema),
  truncated: z.boolean(),
  events: z.array(StoredEventSchema),
});
export type RequestTimeline = z.infer<typeof RequestTimelineSchema>;
