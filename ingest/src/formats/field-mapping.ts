import { z } from 'zod';
import { readJsonSetting } from './json-setting.js';

/**
 * Where each concept Ariane needs is found in a service log line. Structured loggers disagree on
 * names (pino `time`/`msg`/`req.headers`, ECS `@timestamp`/`message`/`http.request.id`, logback
 * `@timestamp`/`message`/`mdc`), so each concept has an ordered list of paths; the first path that
 * holds a usable value wins. A path is dot-separated and matched case-insensitively; a dotted
 * key written flat (`"http.request.id": ...`) matches as well as the nested form (FieldIndex).
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
  'traceId',
  'spanId',
  'parentSpanId',
  'traceparent',
] as const;
export type FieldConcept = (typeof FIELD_CONCEPTS)[number];

export type FieldMapping = Readonly<Record<FieldConcept, readonly string[]>>;

/** Where loggers put a request header; `http.request.header.*` is OpenTelemetry's name. */
const header = (name: string) => [
  name,
  `req.headers.${name}`,
  `request.headers.${name}`,
  `headers.${name}`,
  `http.request.header.${name}`,
  `mdc.${name}`,
];

const DEFAULT_PATHS: FieldMapping = {
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
  traceId: ['trace.id', 'trace_id', 'traceId', 'mdc.trace_id', 'mdc.traceId'],
  spanId: ['span.id', 'span_id', 'spanId', 'mdc.span_id', 'mdc.spanId'],
  parentSpanId: ['parent.id', 'parent_span_id', 'parentSpanId', 'parent_id', 'mdc.parent_id'],
  traceparent: header('traceparent'),
};

const path = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a dot-separated path');

/** Extra paths per concept; unknown concepts are rejected so a typo is not silently ignored. */
export const FieldMappingOverridesSchema = z.strictObject(
  Object.fromEntries(FIELD_CONCEPTS.map((c) => [c, z.array(path).max(32).optional()])) as Record<
    FieldConcept,
    z.ZodOptional<z.ZodArray<typeof path>>
  >,
);
export type FieldMappingOverrides = z.infer<typeof FieldMappingOverridesSchema>;

/** Paths are stored lower-cased: lookups are case-insensitive (see FieldIndex). */
export function mergeFieldMapping(overrides: FieldMappingOverrides): FieldMapping {
  const merged = {} as Record<FieldConcept, readonly string[]>;
  for (const concept of FIELD_CONCEPTS)
    merged[concept] = [...(overrides[concept] ?? []), ...DEFAULT_PATHS[concept]].map((p) =>
      p.toLowerCase(),
    );
  return Object.freeze(merged);
}

export const DEFAULT_FIELD_MAPPING: FieldMapping = mergeFieldMapping({});

/** Reads INGEST_FIELD_MAPPING (see `readJsonSetting`). */
export function loadFieldMapping(setting: string | undefined): FieldMapping {
  if (setting === undefined) return DEFAULT_FIELD_MAPPING;
  return mergeFieldMapping(
    readJsonSetting('INGEST_FIELD_MAPPING', setting, FieldMappingOverridesSchema),
  );
}

/**
 * The scalar values of a record by lower-cased dotted path, built once per record so that each
 * concept costs a few map lookups however many paths it lists. `{"http.request.id": x}` and
 * `{"http": {"request": {"id": x}}}` both index `http.request.id`; the first spelling met wins.
 * Arrays are not entered: a path never selects one element of a list. Depth and size are capped
 * so a huge record costs no more than its first few thousand fields.
 */
export type FieldIndex = ReadonlyMap<string, unknown>;

const MAX_DEPTH = 6;
const MAX_FIELDS = 2_000;

export function indexFields(record: unknown): FieldIndex {
  const index = new Map<string, unknown>();
  const visit = (node: Record<string, unknown>, prefix: string, depth: number) => {
    for (const key in node) {
      if (index.size >= MAX_FIELDS) return;
      const value = node[key];
      const path = prefix + key.toLowerCase();
      if (value !== null && typeof value === 'object') {
        if (!Array.isArray(value) && depth < MAX_DEPTH)
          visit(value as Record<string, unknown>, `${path}.`, depth + 1);
      } else if (value !== undefined && value !== null && value !== '' && !index.has(path))
        index.set(path, value);
    }
  };
  if (record !== null && typeof record === 'object' && !Array.isArray(record))
    visit(record as Record<string, unknown>, '', 0);
  return index;
}

/** The first non-empty scalar among `paths` (lower-cased, as FieldMapping holds them). */
export function firstValue(index: FieldIndex, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = index.get(path);
    if (value !== undefined) return value;
  }
  return undefined;
}
