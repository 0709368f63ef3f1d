import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Where each concept Ariane needs is found in a service log line. Structured loggers disagree on
 * names (pino `time`/`msg`/`req.headers`, ECS `@timestamp`/`message`/`http.request.id`, logback
 * `@timestamp`/`message`/`mdc`), so each concept has an ordered list of paths; the first path that
 * holds a usable value wins. A path is dot-separated; each segment matches a key exactly or,
 * failing that, case-insensitively, and a dotted key written flat (`"http.request.id": ...`)
 * matches as well as the nested form.
 *
 * Operators add paths with INGEST_FIELD_MAPPING; theirs are tried before the defaults.
 */
export const FIELD_CONCEPTS = [
  'timestamp',
  'service',
  'message',
  'level',
  'logger',
  'requestId',
  'sessionId',
  'tenantId',
  'correlationHeader',
  'userId',
  'clientIp',
  'method',
  'path',
  'status',
  'durationMs',
  'userAgent',
  'errorMessage',
  'errorType',
] as const;
export type FieldConcept = (typeof FIELD_CONCEPTS)[number];

export type FieldMapping = Readonly<Record<FieldConcept, readonly string[]>>;

const header = (name: string) => [
  name,
  `req.headers.${name}`,
  `request.headers.${name}`,
  `headers.${name}`,
  `mdc.${name}`,
];

export const DEFAULT_FIELD_MAPPING: FieldMapping = Object.freeze({
  timestamp: ['@timestamp', 'timestamp', 'time', 'ts'],
  service: ['service.name', 'service_name', 'serviceName', 'service', 'app', 'application', 'name'],
  message: ['message', 'msg', '@message'],
  level: ['log.level', 'level', 'severity'],
  logger: ['log.logger', 'logger_name', 'logger'],
  requestId: [
    'http.request.id',
    ...header('x-request-id'),
    'request_id',
    'requestId',
    'mdc.requestId',
    'mdc.request_id',
    'reqId',
  ],
  sessionId: [
    ...header('x-application-id'),
    'application_id',
    'applicationId',
    'mdc.applicationId',
    'session.id',
  ],
  tenantId: ['organization.id', ...header('x-tenant-id'), 'tenant_id', 'tenantId', 'mdc.tenantId'],
  correlationHeader: [
    ...header('x-correlationid'),
    ...header('x-correlation-id'),
    'correlation_id',
    'correlationId',
    'mdc.correlationId',
  ],
  userId: ['user.id', 'user_id', 'userId', 'mdc.userId'],
  clientIp: ['client.ip', 'client_ip', 'clientIp', 'req.remoteAddress', 'source.ip'],
  method: ['http.request.method', 'req.method', 'method'],
  path: ['url.path', 'req.url', 'path'],
  status: ['http.response.status_code', 'res.statusCode', 'status', 'statusCode'],
  durationMs: ['responseTime', 'response_time', 'duration_ms', 'elapsed_ms'],
  userAgent: ['user_agent.original', ...header('user-agent')],
  errorMessage: ['error.message', 'err.message'],
  errorType: ['error.type', 'err.type'],
});

const path = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a dot-separated path');

/** Extra paths per concept; unknown concepts are rejected so a typo is not silently ignored. */
export const FieldMappingOverridesSchema = z.strictObject(
  Object.fromEntries(FIELD_CONCEPTS.map((c) => [c, z.array(path).max(32).optional()])) as Record<
    FieldConcept,
    z.ZodOptional<z.ZodArray<typeof path>>
  >,
);
export type FieldMappingOverrides = z.infer<typeof FieldMappingOverridesSchema>;

export function mergeFieldMapping(overrides: FieldMappingOverrides): FieldMapping {
  const merged = {} as Record<FieldConcept, readonly string[]>;
  for (const concept of FIELD_CONCEPTS)
    merged[concept] = [...(overrides[concept] ?? []), ...DEFAULT_FIELD_MAPPING[concept]];
  return Object.freeze(merged);
}

/**
 * Reads INGEST_FIELD_MAPPING: inline JSON when it starts with `{`, otherwise a path to a JSON
 * file. Throws with a message naming the problem, never the content.
 */
export function loadFieldMapping(setting: string | undefined): FieldMapping {
  if (setting === undefined) return DEFAULT_FIELD_MAPPING;
  const text = setting.trimStart().startsWith('{') ? setting : readFileSync(setting, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('INGEST_FIELD_MAPPING: not valid JSON');
  }
  const result = FieldMappingOverridesSchema.safeParse(parsed);
  if (!result.success)
    throw new Error(
      `INGEST_FIELD_MAPPING: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return mergeFieldMapping(result.data);
}

/**
 * The value at `path` in `record`, or undefined. See FieldMapping for the matching rules.
 * Arrays are not traversed: a path never selects one element of a list.
 */
export function valueAtPath(record: unknown, path: string): unknown {
  return lookup(record, path.split('.'), 0);
}

function lookup(node: unknown, segments: readonly string[], from: number): unknown {
  if (from === segments.length) return node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const object = node as Record<string, unknown>;
  // Longest flat key first, so `{"http.request.id": x}` and `{"http": {"request.id": x}}` match.
  for (let end = segments.length; end > from; end -= 1) {
    const key = segments.slice(from, end).join('.');
    const child = childOf(object, key);
    if (child !== undefined) {
      const found = lookup(child, segments, end);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function childOf(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const candidate of Object.keys(object))
    if (candidate.toLowerCase() === lower) return object[candidate];
  return undefined;
}

/** The first non-empty value among `paths`, or undefined. */
export function firstValue(record: unknown, paths: readonly string[]): unknown {
  for (const candidate of paths) {
    const value = valueAtPath(record, candidate);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}
