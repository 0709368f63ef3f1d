import { z } from 'zod';
import { DurationMsSchema, nullableString } from '../common-fields.js';

/**
 * Fields both Axway logs share (open traffic and transaction event log). Real gateways write
 * more variants than Axway's schema page shows (openlogging test data taken from production
 * gateways): correlation ids that are not 24 hex digits, leg statuses in the transaction
 * vocabulary (`success`), field names in either case. Each variant accepted here is one a real
 * gateway wrote; a line is never refused for a field Ariane does not need.
 */

/** Any non-empty id: usually 24 hex digits, but chained and older gateways write other forms. */
export const AxwayCorrelationIdSchema = z.string().trim().min(1).max(256);

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

/** Axway writes ports as strings; some exporters rewrite them as numbers. */
const port = z.union([z.string(), z.number().int()]).nullish();

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

/**
 * A leg's verdict. The open traffic log writes Pass/Fail/Error; file-transfer legs and some
 * versions write the transaction vocabulary (success/failure/exception). Compared
 * case-insensitively; anything else is kept as written and read as unknown.
 */
export const LegStatusSchema = z.string().nullish();

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

/** success / failure / exception / unknown, compared case-insensitively (see `outcomeOfStatus`). */
export const TransactionStatusSchema = z.string().nullish();
