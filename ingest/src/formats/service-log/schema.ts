import { z } from 'zod';

/**
 * A backend service log line: any JSON object written by a structured logger (pino, an ECS
 * logger, a logback JSON encoder...). Its fields are read through the FieldMapping; the only
 * hard requirements, checked while normalising, are a timestamp and a service name.
 *
 * ```json
 * {"level":30,"time":1763717400135,"name":"vitam-access","msg":"request completed",
 *  "req":{"method":"GET","url":"/access-external/v1/units",
 *         "headers":{"x-request-id":"6f1c...","x-correlationid":"Id-18d3f0690f00a1b2c3d4e5f6 1"}},
 *  "res":{"statusCode":200},"responseTime":31}
 * ```
 */
export const ServiceLogSchema = z.record(z.string(), z.unknown());
export type ServiceLog = z.infer<typeof ServiceLogSchema>;
