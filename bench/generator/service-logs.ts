import type { Random } from './prng.js';
import type { BackendHop, SimulatedRequest } from './traffic.js';
import type { BackendHost } from './world.js';

/**
 * Renders what each backend hop logs, in the JSON shape of the library that service uses:
 * pino (fastify/pino-http fields), ECS (as @elastic/ecs-pino-format writes it) or a logback JSON
 * encoder with the MDC nested under `mdc` and the service named in a custom `app` field. Timestamps come from the host's own clock, so a
 * skewed host writes times that disagree with the gateway's.
 */

export interface ServiceLine {
  readonly value: string;
  /** True time the line was written, for delivery order; the line itself shows the host's clock. */
  readonly writtenAtMs: number;
}

interface LogPoint {
  readonly atMs: number;
  readonly severity: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly completed: boolean;
  /** The error logged with this line, in the library's error fields. */
  readonly error?: BackendHop['error'];
}

const PINO_LEVELS = { info: 30, warn: 40, error: 50 } as const;
const LOGBACK_LEVELS = {
  info: ['INFO', 20000],
  warn: ['WARN', 30000],
  error: ['ERROR', 40000],
} as const;

function severityOf(status: number): LogPoint['severity'] {
  if (status >= 500) return 'error';
  return status >= 400 ? 'warn' : 'info';
}

/** ISO-8601 in the host's local offset, as logback's default timestamp pattern writes it. */
function isoWithOffset(epochMs: number, host: BackendHost): string {
  if (host.utcOffsetMinutes === 0) return new Date(epochMs).toISOString();
  const local = new Date(epochMs + host.utcOffsetMinutes * 60_000).toISOString().slice(0, -1);
  const hours = String(Math.floor(host.utcOffsetMinutes / 60)).padStart(2, '0');
  const minutes = String(host.utcOffsetMinutes % 60).padStart(2, '0');
  return `${local}+${hours}:${minutes}`;
}

function logPoints(hop: BackendHop): LogPoint[] {
  const endMs = hop.startMs + hop.durationMs;
  const points: LogPoint[] = [
    { atMs: hop.startMs, severity: 'info', message: 'incoming request', completed: false },
  ];
  if (hop.personalDataMessage)
    points.push({
      atMs: hop.startMs + Math.floor(hop.durationMs / 2),
      severity: 'info',
      message: hop.personalDataMessage,
      completed: false,
    });
  if (hop.status >= 500)
    points.push({
      atMs: endMs - 1,
      severity: 'error',
      message:
        hop.status === 503
          ? 'storage offer unavailable, request refused'
          : 'unexpected error while processing request: java.lang.IllegalStateException',
      completed: false,
      error: hop.error,
    });
  points.push({
    atMs: endMs,
    severity: severityOf(hop.status),
    message: 'request completed',
    completed: true,
  });
  return points;
}

function pinoLine(
  request: SimulatedRequest,
  hop: BackendHop,
  point: LogPoint,
  pid: number,
  reqId: string,
): string {
  const headers: Record<string, string> = { host: `${hop.host.name}:${hop.host.port}` };
  if (hop.service.logsCorrelationOnly) {
    if (hop.correlationHeader) headers['x-correlationid'] = hop.correlationHeader;
  } else {
    if (request.requestId) headers['x-request-id'] = request.requestId;
    if (request.sessionId) headers['x-application-id'] = request.sessionId;
    headers['x-tenant-id'] = request.tenant;
  }
  const line: Record<string, unknown> = {
    level: PINO_LEVELS[point.severity],
    time: point.atMs + hop.host.clockSkewMs,
    pid,
    hostname: hop.host.name,
    name: hop.service.logger,
    reqId,
    req: { method: hop.method, url: hop.path, headers },
  };
  if (point.completed) {
    line['res'] = { statusCode: hop.status };
    line['responseTime'] = hop.durationMs + 0.25;
  }
  // pino's standard error serializer.
  if (point.error) line['err'] = { type: point.error.type, message: point.error.message };
  line['msg'] = point.message;
  return JSON.stringify(line);
}

function ecsLine(request: SimulatedRequest, hop: BackendHop, point: LogPoint): string {
  const line: Record<string, unknown> = {
    'log.level': point.severity,
    '@timestamp': new Date(point.atMs + hop.host.clockSkewMs).toISOString(),
    message: point.message,
    'ecs.version': '8.10.0',
    service: { name: hop.service.name, node: { name: hop.host.name } },
    event: { dataset: `${hop.service.name}.log` },
    http: {
      request: { id: request.requestId, method: hop.method },
      ...(point.completed ? { response: { status_code: hop.status } } : {}),
    },
    url: { path: hop.path },
    organization: { id: request.tenant },
    ...(point.error && { error: { type: point.error.type, message: point.error.message } }),
  };
  if (point.completed)
    (line['event'] as Record<string, unknown>)['duration'] = hop.durationMs * 1e6;
  return JSON.stringify(line);
}

function logbackLine(
  request: SimulatedRequest,
  hop: BackendHop,
  point: LogPoint,
  thread: string,
): string {
  const mdc: Record<string, string> = {};
  if (hop.service.logsCorrelationOnly) {
    if (hop.correlationHeader) mdc['X-CorrelationID'] = hop.correlationHeader;
  } else {
    if (request.requestId) mdc['X-Request-Id'] = request.requestId;
    if (request.sessionId) mdc['X-Application-Id'] = request.sessionId;
    mdc['X-Tenant-Id'] = request.tenant;
  }
  const [level, levelValue] = LOGBACK_LEVELS[point.severity];
  const message = point.completed
    ? `${hop.method} ${hop.path} ${hop.status} ${hop.durationMs} ms`
    : point.message === 'incoming request'
      ? `${hop.method} ${hop.path} received`
      : point.message;
  return JSON.stringify({
    '@timestamp': isoWithOffset(point.atMs + hop.host.clockSkewMs, hop.host),
    '@version': '1',
    message,
    logger_name: hop.service.logger,
    thread_name: thread,
    level,
    level_value: levelValue,
    // logstash-logback-encoder `customFields`, how Java services usually name themselves.
    app: hop.service.name,
    mdc,
  });
}

/** Every service log line of one request; empty for hops that never logged. */
export function serviceLogLines(request: SimulatedRequest, random: Random): ServiceLine[] {
  const lines: ServiceLine[] = [];
  for (const hop of request.hops) {
    if (!hop.logged) continue;
    const pid = 1000 + (hop.host.port % 97) * 13;
    const reqId = `req-${random.int(1, 99_999).toString(36)}`;
    const thread = `qtp${random.int(100_000, 999_999)}-${random.int(20, 220)}`;
    for (const point of logPoints(hop)) {
      const value =
        hop.service.style === 'pino'
          ? pinoLine(request, hop, point, pid, reqId)
          : hop.service.style === 'ecs'
            ? ecsLine(request, hop, point)
            : logbackLine(request, hop, point, thread);
      lines.push({ value, writtenAtMs: point.atMs });
    }
  }
  return lines;
}
