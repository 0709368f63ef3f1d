import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that could carry personal data or secrets if a caller ever logs an event, a request or
 * a config object by mistake. Ariane's own code logs ids of its own (topic, partition, offsets,
 * index names, operation ids) and counts, never event content; this list is the safety net.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-request-id"]',
  'req.headers["x-application-id"]',
  'req.remoteAddress',
  'req.remotePort',
  'res.headers["set-cookie"]',
  'res.headers["x-request-id"]',
  'res.headers["x-application-id"]',
  '*.password',
  '*.ES_PASSWORD',
  '*.KAFKA_SASL_PASSWORD',
  '*.ES_API_KEY',
  '*.JWT_SECRET',
  'event',
  'payload',
  'selector',
];

export function createLogger(
  name: string,
  level: LoggerOptions['level'] = 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name,
    level,
    base: { service: name },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
