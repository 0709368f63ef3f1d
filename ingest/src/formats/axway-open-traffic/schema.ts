import { z } from 'zod';
import { DurationMsSchema, EpochMsSchema, nullableString } from '../common-fields.js';
import {
  AXWAY_HTTP_FIELDS,
  AxwayCorrelationIdSchema,
  LegStatusSchema,
  ProcessInfoSchema,
  ServiceContextSchema,
  TransactionStatusSchema,
} from '../axway-common/schema.js';

/**
 * Axway API Gateway 7.x open traffic event log: one JSON object per line, written after the
 * transaction completes. Every line has `timestamp` (epoch ms), `correlationId` and
 * `processInfo`, then exactly one record key. Lines of one transaction arrive as separate
 * Kafka records in any order; each is normalised on its own.
 *
 * Reference: the `openLogging.json` schema Axway ships in `apigateway/system/schemas/logging/`.
 * Unknown fields are accepted (Axway adds some between versions) and ignored.
 */

/** Both spellings are written by real gateways (`statusText` here, `statustext` in the event log). */
export const AxwayHttpInfoSchema = z.looseObject({
  ...AXWAY_HTTP_FIELDS,
  statusText: nullableString,
  statustext: nullableString,
  sslSubject: nullableString,
  sslsubject: nullableString,
  authSubjectId: nullableString,
});
export type AxwayHttpInfo = z.infer<typeof AxwayHttpInfoSchema>;

/** A JMS leg: the gateway consumed or produced a message. Only what a timeline shows is read. */
export const AxwayJmsInfoSchema = z.looseObject({
  jmsDestination: nullableString,
  jmsStatus: nullableString,
  jmsStatusText: nullableString,
  authSubjectId: nullableString,
});

/** A file-transfer leg (the gateway's FTP/FTPS/SFTP listener). */
export const AxwayFileTransferInfoSchema = z.looseObject({
  serviceType: nullableString,
  transferStatus: nullableString,
  remoteAddr: nullableString,
  remotePort: z.union([z.string(), z.number().int()]).nullish(),
  bytesSent: z.number().int().nonnegative().nullish(),
  bytesReceived: z.number().int().nonnegative().nullish(),
  authSubjectId: nullableString,
});

export const TransactionElementSchema = z.looseObject({
  leg: z.number().int().nonnegative(),
  duration: DurationMsSchema,
  serviceName: nullableString,
  operation: nullableString,
  finalStatus: LegStatusSchema,
  protocolInfo: z.looseObject({
    http: AxwayHttpInfoSchema.optional(),
    jms: AxwayJmsInfoSchema.optional(),
    fileTransfer: AxwayFileTransferInfoSchema.optional(),
    recvHeader: nullableString,
    sentHeader: nullableString,
    recvPayload: nullableString,
    sentPayload: nullableString,
  }),
});
export type TransactionElement = z.infer<typeof TransactionElementSchema>;

export const TransactionSummarySchema = z.looseObject({
  path: nullableString,
  protocol: nullableString,
  protocolSrc: nullableString,
  status: TransactionStatusSchema,
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
  timestamp: EpochMsSchema,
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
  timestamp: EpochMsSchema,
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
