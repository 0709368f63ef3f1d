import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { TraceEventSchema } from '../../../core/src/schemas/trace-event.js';
import { DEFAULT_FIELD_MAPPING } from '../../../ingest/src/formats/field-mapping.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import { generateRecords } from '../../../bench/generator/records.js';
import type { SimulatedRequest } from '../../../bench/generator/traffic.js';

/**
 * The generator must write what the Axway gateway writes (research note gateway-logs.md §1),
 * field for field and type for type, so these schemas are strict: an extra or renamed field
 * fails. They check shape only; the ingest's own schemas are then run on the same lines.
 */
const epochMs = z.number().int().positive();
const nullableString = z.string().nullable();
const correlationId = z.string().regex(/^[0-9a-f]{24}$/);
const headerBlock = z.string().regex(/^[^\r\n]+\r\n([^\r\n:]+: [^\r\n]*\r\n)*\r\n$/);

const processInfo = z.strictObject({
  hostname: z.string(),
  domainId: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  version: z.string(),
});
const http = z.strictObject({
  uri: z.string(),
  status: z.number().int(),
  statusText: z.string(),
  method: z.string(),
  vhost: z.null(),
  wafStatus: z.number().int(),
  bytesSent: z.number().int().nonnegative(),
  bytesReceived: z.number().int().nonnegative(),
  remoteName: z.string(),
  remoteAddr: z.string(),
  localAddr: z.string(),
  remotePort: z.string().regex(/^\d+$/),
  localPort: z.string().regex(/^\d+$/),
  sslSubject: nullableString,
  authSubjectId: nullableString,
});
const serviceContext = z.strictObject({
  service: z.string(),
  monitor: z.boolean(),
  client: nullableString,
  org: nullableString,
  app: nullableString,
  method: z.string(),
  status: z.enum(['success', 'failure', 'exception', 'unknown']),
  duration: z.number().int().nonnegative(),
});
const common = { timestamp: epochMs, correlationId, processInfo };
const legLine = z.strictObject({
  ...common,
  transactionElement: z.strictObject({
    leg: z.number().int().nonnegative(),
    duration: z.number().int().nonnegative(),
    serviceName: nullableString,
    operation: nullableString,
    finalStatus: z.enum(['Pass', 'Fail', 'Error']).nullable(),
    protocolInfo: z.strictObject({
      http,
      recvHeader: headerBlock,
      sentHeader: headerBlock,
      recvPayload: z.null(),
      sentPayload: z.null(),
    }),
  }),
});
const summaryLine = z.strictObject({
  ...common,
  transactionSummary: z.strictObject({
    path: z.string(),
    protocol: z.string(),
    protocolSrc: z.string(),
    status: z.enum(['success', 'failure', 'exception', 'unknown']),
    serviceContexts: z.array(serviceContext),
  }),
});
const circuitLine = z.strictObject({
  ...common,
  circuitPath: z.array(
    z.strictObject({
      policy: z.string(),
      execTime: z.number().int(),
      filters: z.array(
        z.strictObject({
          name: z.string(),
          type: z.string(),
          class: z.string(),
          status: z.enum(['Pass', 'Fail', 'Error']),
          filterTime: epochMs,
          execTime: z.number().int(),
        }),
      ),
    }),
  ),
});
const eventLogLeg = z.strictObject({
  uri: z.string(),
  status: z.number().int(),
  statustext: z.string(),
  method: z.string(),
  vhost: z.null(),
  wafStatus: z.number().int(),
  bytesSent: z.number().int(),
  bytesReceived: z.number().int(),
  remoteName: z.string(),
  remoteAddr: z.string(),
  localAddr: z.string(),
  remotePort: z.string(),
  localPort: z.string(),
  sslsubject: nullableString,
  leg: z.number().int(),
  timestamp: epochMs,
  duration: z.number().int(),
  serviceName: nullableString,
  subject: nullableString,
  operation: nullableString,
  type: z.literal('http'),
  finalStatus: z.enum(['Pass', 'Fail', 'Error']).nullable(),
});
const transactionLine = z.strictObject({
  type: z.literal('transaction'),
  time: epochMs,
  path: z.string(),
  protocol: z.string(),
  protocolSrc: z.string(),
  duration: z.number().int(),
  status: z.enum(['success', 'failure', 'exception', 'unknown']),
  serviceContexts: z.array(serviceContext),
  customMsgAtts: z.record(z.string(), z.string()),
  correlationId,
  legs: z.array(eventLogLeg).min(1),
});

const START_MS = Date.UTC(2026, 4, 1, 10, 0, 0);
const truth = new Map<string, SimulatedRequest>();
const records = [
  // Bare lines: these tests check what the gateway and the services write (envelopes.test.ts
  // checks what the shippers make of it).
  ...generateRecords(
    { seed: 'formats', startMs: START_MS, requests: 1_500, envelopeShare: 0 },
    undefined,
    (r) => truth.set(r.correlationId, r),
  ),
];
const gatewayLines = records
  .filter((r) => r.topic === 'gateway')
  .map((r) => JSON.parse(r.value) as Record<string, unknown>);

describe('Axway open traffic lines', () => {
  test('every line has exactly the documented fields and types', () => {
    let legs = 0;
    for (const line of gatewayLines) {
      if (line.type === 'transaction') continue;
      const schema =
        'transactionElement' in line
          ? legLine
          : 'transactionSummary' in line
            ? summaryLine
            : circuitLine;
      if (schema === legLine) legs += 1;
      const result = schema.safeParse(line);
      assert.ok(result.success, JSON.stringify(result.error?.issues.slice(0, 3)));
    }
    assert.ok(legs > 1_000);
  });

  test('leg headers carry the correlation headers and X-CorrelationID Id-<cid> <leg>', () => {
    const legLines = gatewayLines
      .filter((l) => 'transactionElement' in l)
      .map((l) => legLine.parse(l));
    for (const { correlationId: cid, transactionElement: element } of legLines) {
      const { recvHeader, sentHeader } = element.protocolInfo;
      const request = truth.get(cid) as SimulatedRequest;
      if (element.leg === 0) {
        assert.match(sentHeader, new RegExp(`\r\nX-CorrelationID: Id-${cid} 0\r\n`));
        assert.match(recvHeader, /\r\nauthorization: Bearer [\w-]+\.[\w-]+\.[\w-]+\r\n/i);
        assert.match(recvHeader, new RegExp(`\r\nx-tenant-id: ${request.tenant}\r\n`, 'i'));
      } else {
        assert.match(
          sentHeader,
          new RegExp(`\r\nX-CorrelationID: (Id-[0-9a-f]{24} 1; )?Id-${cid} ${element.leg}\r\n`),
        );
        if (request.requestId)
          assert.ok(sentHeader.includes(`\r\nX-Request-Id: ${request.requestId}\r\n`));
        if (request.sessionId)
          assert.ok(sentHeader.includes(`\r\nX-Application-Id: ${request.sessionId}\r\n`));
      }
    }
  });

  test('the correlation id starts with the little-endian unix seconds of leg 0', () => {
    for (const line of gatewayLines.filter((l) => 'transactionElement' in l)) {
      const { correlationId: cid, timestamp } = legLine.parse(line);
      const request = truth.get(cid) as SimulatedRequest;
      assert.equal(
        Buffer.from(cid.slice(0, 8), 'hex').readUInt32LE(0),
        Math.floor(request.startMs / 1000),
      );
      assert.ok(timestamp >= request.startMs);
    }
  });
});

describe('Axway transaction event lines', () => {
  test('have the documented fields, with the ids in customMsgAtts', () => {
    const lines = gatewayLines.filter((l) => l.type === 'transaction');
    assert.ok(lines.length > 300);
    for (const line of lines) {
      const parsed = transactionLine.parse(line);
      assert.equal(parsed.legs[0]?.leg, 0);
      const request = truth.get(parsed.correlationId) as SimulatedRequest;
      assert.equal(parsed.customMsgAtts['X-Request-Id'], request.requestId);
      assert.equal(parsed.customMsgAtts['X-Tenant-Id'], request.tenant);
    }
  });
});

describe('service logs', () => {
  test('each style carries its library fields', () => {
    const styles = { pino: 0, ecs: 0, logback: 0 };
    for (const record of records.filter((r) => r.topic === 'services')) {
      const line = JSON.parse(record.value) as Record<string, unknown>;
      if (typeof line.time === 'number') {
        styles.pino += 1;
        assert.equal(typeof line.level, 'number');
        assert.equal(typeof line.msg, 'string');
        assert.equal(typeof (line.req as { headers: unknown }).headers, 'object');
      } else if ('log.level' in line) {
        styles.ecs += 1;
        assert.ok(!Number.isNaN(Date.parse(line['@timestamp'] as string)));
        assert.equal(typeof (line.service as { name: unknown }).name, 'string');
      } else {
        styles.logback += 1;
        assert.match(line['@timestamp'] as string, /(Z|[+-]\d\d:\d\d)$/);
        assert.equal(typeof line.logger_name, 'string');
        assert.equal(typeof line.mdc, 'object');
      }
    }
    assert.ok(styles.pino > 0 && styles.ecs > 0 && styles.logback > 0, JSON.stringify(styles));
  });

  test('some backends log only X-CorrelationID, and some lines carry personal data', () => {
    const values = records.filter((r) => r.topic === 'services').map((r) => r.value);
    assert.ok(
      values.some((v) => v.includes('"X-CorrelationID":"Id-') && !v.includes('X-Request-Id')),
    );
    assert.ok(values.some((v) => v.includes('"x-correlationid":"Id-')));
    assert.ok(values.some((v) => /[\w.]+@example\.(gouv\.)?(fr|org)/.test(v)));
  });
});

describe('ingest accepts every generated record', () => {
  test('normaliseRecord yields valid trace events, joinable on the request id', () => {
    const ctx = (raw: Buffer, offset: number) => ({
      origin: { topic: 't', partition: 0, offset: String(offset) },
      raw,
      nowMs: START_MS + 3_600_000,
      time: { retentionDays: 10, futureToleranceMs: 60_000, futureLimitMs: 86_400_000 },
      mapping: DEFAULT_FIELD_MAPPING,
    });
    const requestIds = new Set([...truth.values()].map((r) => r.requestId).filter(Boolean));
    let joined = 0;
    records.slice(0, 4_000).forEach((record, offset) => {
      const raw = Buffer.from(record.value);
      const result = normaliseRecord(raw, record.topic, 1_000_000, ctx(raw, offset));
      assert.equal(
        result.kind,
        'events',
        `${JSON.stringify(result)} for ${record.value.slice(0, 300)}`,
      );
      if (result.kind !== 'events') return;
      for (const { doc } of result.events) {
        const parsed = TraceEventSchema.safeParse(doc);
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3)));
        if (doc.http?.request?.id && requestIds.has(doc.http.request.id)) joined += 1;
      }
    });
    assert.ok(joined > 3_000, `only ${joined} events joined on a generated X-Request-Id`);
  });
});
