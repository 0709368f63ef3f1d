import { z } from 'zod';

/**
 * Axway API Gateway 7.x open traffic event log: one JSON object per line, written after the
 * transaction completes. Every line has `timestamp` (epoch ms), `correlationId` and
 * `processInfo`, then exactly one record key. Lines of one transaction arrive as separate
 * Kafka records in any order; each is normalised on its own.
 *
 * Reference: the `openLogging.json` schema Axway ships in `apigateway/system/schemas/logging/`.
 * Unknown fields are accepted (Axway adds some between versions) and ignored.
 */

/** 24 lower-case hex chars; Axway also writes `Id-<cid>` inside policies, never here. */
export const AxwayCorrelationIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'expected 24 lower-case hex characters');

export const ProcessInfoSchema = z.looseObject({
  hostname: z.string().optional(),
  domainId: z.string().optional(),
  groupId: z.string().optional(),
  groupName: z.string().optional(),
  serviceId: z.string().optional(),
  serviceName: z.string().optional(),
  version: z.string().optional(),
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

/** Epoch milliseconds between 2000 and 9999: outside that, the field is garbage, not history. */
export const EpochMsSchema = z
  .number()
  .int()
  .min(946_684_800_000, 'expected epoch milliseconds after 2000')
  .max(253_402_300_799_999, 'expected epoch milliseconds before 10000');
const epochMs = EpochMsSchema;
/** A week: longer is a broken clock, and the nanosecond value must stay a safe integer. */
export const MAX_DURATION_MS = 7 * 86_400_000;
export const DurationMsSchema = z.number().nonnegative().max(MAX_DURATION_MS);
export const nullableString = z.string().nullish();
/** Axway writes ports as strings; some exporters rewrite them as numbers. */
export const port = z.union([z.string(), z.number().int()]).nullish();

/** HTTP fields both Axway logs write under the same names (the open traffic log in `http`). */
export const AXWAY_HTTP_FIELDS = {
  uri: nullableString,
  method: nullableString,
  status: z.number().int().nullish(),
  vhost: nullableString,
  wafStatus: z.number().int().nullish(),
  bytesSent: z.number().int().nonnegative().nullish(),
  bytesReceived: z.number().int().nonnegative().nullish(),
  remoteName: nullableString,
  remoteAddr: nullableString,
  remotePort: port,
  localAddr: nullableString,
  localPort: port,
};

export const AxwayHttpInfoSchema = z.looseObject({
  ...AXWAY_HTTP_FIELDS,
  statusText: nullableString,
  sslSubject: nullableString,
  authSubjectId: nullableString,
});
export type AxwayHttpInfo = z.infer<typeof AxwayHttpInfoSchema>;

export const LegStatusSchema = z.enum(['Pass', 'Fail', 'Error']).nullish();

export const TransactionElementSchema = z.looseObject({
  leg: z.number().int().nonnegative(),
  duration: DurationMsSchema,
  serviceName: nullableString,
  operation: nullableString,
  finalStatus: LegStatusSchema,
  protocolInfo: z.looseObject({
    http: AxwayHttpInfoSchema.optional(),
    recvHeader: nullableString,
    sentHeader: nullableString,
    recvPayload: nullableString,
    sentPayload: nullableString,
  }),
});
export type TransactionElement = z.infer<typeof TransactionElementSchema>;

export const ServiceContextSchema = z.looseObject({
  service: nullableString,
  method: nullableString,
  monitor: z.boolean().nullish(),
  client: nullableString,
  app: nullableString,
  org: nullableString,
  status: nullableString,
  duration: DurationMsSchema.nullish(),
});
export type ServiceContext = z.infer<typeof ServiceContextSchema>;

export const TransactionStatusSchema = z.enum(['success', 'failure', 'exception', 'unknown']);

export const TransactionSummarySchema = z.looseObject({
  path: nullableString,
  protocol: nullableString,
  protocolSrc: nullableString,
  status: TransactionStatusSchema.nullish(),
  serviceContexts: z.array(ServiceContextSchema).nullish(),
});
export type TransactionSummary = z.infer<typeof TransactionSummarySchema>;

/** Policy path: recursive filters; kept for display only, so its inner shape is loose. */
export const CircuitPathSchema = z.array(
  z.looseObject({
    policy: z.string(),
    execTime: z.number().optional(),
    filters: z.array(z.unknown()).optional(),
  }),
);

const common = {
  timestamp: epochMs,
  correlationId: AxwayCorrelationIdSchema,
  processInfo: ProcessInfoSchema,
};

export const LegLineSchema = z.looseObject({
  ...common,
  transactionElement: TransactionElementSchema,
});
export type LegLine = z.infer<typeof LegLineSchema>;

export const SummaryLineSchema = z.looseObject({
  ...common,
  transactionSummary: TransactionSummarySchema,
});
export type SummaryLine = z.infer<typeof SummaryLineSchema>;

export const CircuitPathLineSchema = z.looseObject({ ...common, circuitPath: CircuitPathSchema });
export type CircuitPathLine = z.infer<typeof CircuitPathLineSchema>;

/** Trace lines are gateway diagnostics, not traffic: recognised, counted and skipped. */
export const TraceLineSchema = z.looseObject({
  timestamp: epochMs,
  correlationId: z.string(),
  trace: z.looseObject({}),
});

export const OPEN_TRAFFIC_RECORD_KEYS = [
  'transactionElement',
  'transactionSummary',
  'circuitPath',
  'trace',
] as const;
export type OpenTrafficRecordKey = (typeof OPEN_TRAFFIC_RECORD_KEYS)[number];

/** The record keys present on a parsed JSON object; a valid line has exactly one. */
export function openTrafficRecordKeys(line: Record<string, unknown>): OpenTrafficRecordKey[] {
  return OPEN_TRAFFIC_RECORD_KEYS.filter((key) => line[key] !== undefined);
}
