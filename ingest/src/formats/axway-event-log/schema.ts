import { z } from 'zod';
import { DurationMsSchema, EpochMsSchema, nullableString } from '../common-fields.js';
import {
  AXWAY_HTTP_FIELDS,
  AxwayCorrelationIdSchema,
  LegStatusSchema,
  ServiceContextSchema,
  TransactionStatusSchema,
} from '../axway-common/schema.js';

/**
 * Axway API Gateway 7.x transaction event log (`events/<group>_<instance>.log`): one
 * `type: "transaction"` line per API call, with every leg in `legs[]` and the message attributes
 * the gateway was told to export in `customMsgAtts`. Field names differ from the open traffic log
 * (`statustext`, `sslsubject` in lower case, `subject` for `authSubjectId`, flat HTTP fields),
 * though real gateways also write the camel-case spellings. `legs` may be empty, hold only
 * leg 1, or skip numbers.
 *
 * The same file also carries `header`, `system`, `alert` and `custom` lines: no traffic, skipped.
 */

export const EventLogLegSchema = z.looseObject({
  ...AXWAY_HTTP_FIELDS,
  leg: z.number().int().nonnegative(),
  timestamp: EpochMsSchema,
  duration: DurationMsSchema,
  statustext: nullableString,
  statusText: nullableString,
  sslsubject: nullableString,
  sslSubject: nullableString,
  serviceName: nullableString,
  subject: nullableString,
  operation: nullableString,
  /** The leg's protocol: http, jms, ftp... */
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
  status: TransactionStatusSchema,
  serviceContexts: z.array(ServiceContextSchema).nullish(),
  customMsgAtts: z.record(z.string(), z.unknown()).nullish(),
  correlationId: AxwayCorrelationIdSchema,
  legs: z.array(EventLogLegSchema),
});
export type EventLogTransaction = z.infer<typeof EventLogTransactionSchema>;

/** Event-log line types that carry no traffic. */
export const EVENT_LOG_SKIPPED_TYPES = ['header', 'system', 'alert', 'custom'] as const;
