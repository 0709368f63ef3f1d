import { z } from 'zod';
import {
  AxwayCorrelationIdSchema,
  DurationMsSchema,
  EpochMsSchema,
  LegStatusSchema,
  ServiceContextSchema,
  TransactionStatusSchema,
} from './axway-open-traffic.js';

/**
 * Axway API Gateway 7.x transaction event log (`events/<group>_<instance>.log`): one
 * `type: "transaction"` line per API call, with every leg in `legs[]` and the message attributes
 * the gateway was told to export in `customMsgAtts`. Field names differ from the open traffic log
 * (`statustext`, `sslsubject` in lower case, `subject` for `authSubjectId`, flat HTTP fields).
 *
 * The same file also carries `header`, `system`, `alert` and `custom` lines: no traffic, skipped.
 */

const nullableString = z.string().nullish();
const port = z.union([z.string(), z.number().int()]).nullish();

export const EventLogLegSchema = z.looseObject({
  leg: z.number().int().nonnegative(),
  timestamp: EpochMsSchema,
  duration: DurationMsSchema,
  uri: nullableString,
  status: z.number().int().nullish(),
  statustext: nullableString,
  method: nullableString,
  vhost: nullableString,
  wafStatus: z.number().int().nullish(),
  bytesSent: z.number().int().nonnegative().nullish(),
  bytesReceived: z.number().int().nonnegative().nullish(),
  remoteName: nullableString,
  remoteAddr: nullableString,
  localAddr: nullableString,
  remotePort: port,
  localPort: port,
  sslsubject: nullableString,
  serviceName: nullableString,
  subject: nullableString,
  operation: nullableString,
  type: nullableString,
  finalStatus: LegStatusSchema,
});
export type EventLogLeg = z.infer<typeof EventLogLegSchema>;

export const EventLogTransactionSchema = z.looseObject({
  type: z.literal('transaction'),
  time: EpochMsSchema,
  path: nullableString,
  protocol: nullableString,
  protocolSrc: nullableString,
  duration: DurationMsSchema.nullish(),
  status: TransactionStatusSchema.nullish(),
  serviceContexts: z.array(ServiceContextSchema).nullish(),
  customMsgAtts: z.record(z.string(), z.unknown()).nullish(),
  correlationId: AxwayCorrelationIdSchema,
  legs: z.array(EventLogLegSchema),
});
export type EventLogTransaction = z.infer<typeof EventLogTransactionSchema>;

/** Event-log line types that carry no traffic. */
export const EVENT_LOG_SKIPPED_TYPES = ['header', 'system', 'alert', 'custom'] as const;
