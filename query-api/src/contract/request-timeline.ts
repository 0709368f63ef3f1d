import { z } from 'zod';
import { EventOutcomeSchema } from '../../../core/src/schemas/trace-event.js';
import { DiagnosisSchema } from './diagnosis.js';
import { RequestIdSchema } from './ids.js';

export const RequestParamsSchema = z.object({
  requestId: RequestIdSchema.describe('The X-Request-Id to trace'),
});

/** A stored TraceEvent (core/src/schemas/trace-event.ts), returned as indexed. */
export const StoredEventSchema = z
  .record(z.string(), z.unknown())
  .describe('A TraceEvent document as stored (core/src/schemas/trace-event.ts)');

export const HopKindSchema = z.enum(['gateway_leg', 'gateway_access', 'service']);

/**
 * How a hop's parent in the call tree was found. `root`: a gateway's inbound leg or access line.
 * `gateway`: an outbound leg under its transaction's leg 0. `trace_context`: the hop logged its
 * parent's span id. `correlation`: a service that logged the X-CorrelationID of the gateway leg
 * that called it. `inferred`: the only hop whose time span contains it. `ambiguous`: attached to
 * the innermost hop that surely contains it, but clocks leave another parent possible.
 * `unresolved`: nothing contains it (a skewed clock): no parent is claimed.
 */
export const TREE_LINKS = [
  'root',
  'gateway',
  'trace_context',
  'correlation',
  'inferred',
  'ambiguous',
  'unresolved',
] as const;
export const TreeLinkSchema = z.enum(TREE_LINKS);
export type TreeLink = z.infer<typeof TreeLinkSchema>;

export const HopSchema = z.object({
  index: z.number().int().describe('Position of this hop in `hops`, used by anomalies'),
  kind: HopKindSchema,
  service: z.string(),
  node: z.string().nullable(),
  transactionId: z.string().nullable(),
  leg: z.number().int().nullable().describe('Gateway leg: 0 inbound, 1..n calls to backends'),
  method: z.string().nullable(),
  path: z.string().nullable().describe('URL path the hop served, or the leg called'),
  parent: z.number().int().nullable().describe('The calling hop in the call tree (its index)'),
  link: TreeLinkSchema,
  depth: z.number().int().describe('Depth in the call tree: 0 for roots'),
  selfMs: z.number().describe('Own time: duration minus the time covered by its children'),
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

export const CallTreeSchema = z
  .object({
    order: z
      .array(z.number().int())
      .describe('Hop indices depth first: each parent before its children, siblings by start'),
    links: z.record(TreeLinkSchema, z.number().int()).describe('Hops per kind of link'),
  })
  .describe('Who called whom; each hop carries its `parent`, `link` and `depth`');

export const RouteBaselineSchema = z
  .object({
    api: z.string().nullable(),
    operation: z.string().nullable(),
    method: z.string().nullable(),
    path: z.string().nullable(),
    p50Ms: z.number(),
    p95Ms: z.number(),
    samples: z.number().int(),
    windowHours: z.number().int(),
  })
  .describe("The route's usual duration: same API operation (or path) and method, last 24 h");
export type RouteBaseline = z.infer<typeof RouteBaselineSchema>;

export const TimeBudgetSchema = z
  .object({
    totalMs: z.number().nullable(),
    gatewayMs: z.number().nullable().describe("Leg 0's own time: the gateway's policies"),
    networkMs: z
      .number()
      .nullable()
      .describe('Outbound legs minus the services they reached: connections and the network'),
    backendMs: z.number().nullable().describe('Time of the services the gateway called'),
    criticalPath: z
      .array(z.number().int())
      .describe('Hops whose time the request waited on, root first'),
    dominantHop: z.number().int().nullable().describe('The hop with the most own time'),
    baseline: RouteBaselineSchema.nullable(),
    ratioToMedian: z.number().nullable().describe("Total duration over the route's p50"),
  })
  .describe('Where the time went');
export type TimeBudget = z.infer<typeof TimeBudgetSchema>;

export const TimelineErrorSchema = z.object({
  eventId: z.string(),
  service: z.string(),
  status: z.number().int().nullable(),
  code: z.string().nullable(),
  type: z.string().nullable(),
  message: z.string().nullable(),
});
export type TimelineError = z.infer<typeof TimelineErrorSchema>;

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
  diagnosis: DiagnosisSchema,
  timeBudget: TimeBudgetSchema,
  hops: z.array(HopSchema),
  callTree: CallTreeSchema,
  anomalies: z.array(AnomalySchema),
  truncated: z.boolean(),
  events: z.array(StoredEventSchema),
});
export type RequestTimeline = z.infer<typeof RequestTimelineSchema>;
