import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import {
  loadServiceNameRules,
  serviceNameFor,
} from '../../../ingest/src/formats/service-log/service-identity.js';
import type { NormaliseContext } from '../../../ingest/src/pipeline/normalise-context.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import { parseSourceTimestamp } from '../../../ingest/src/pipeline/event-time.js';
import { contextFor, fixture, FIXTURE_START_MS } from '../../helpers/ingest.js';

function onlyDoc(value: unknown, overrides: Partial<NormaliseContext> = {}): TraceEvent {
  const raw = Buffer.isBuffer(value)
    ? value
    : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  const result = normaliseRecord(raw, 'services', 1024 * 1024, {
    ...contextFor(raw),
    origin: { topic: 'ariane.services', partition: 0, offset: '7' },
    ...overrides,
  });
  assert.equal(result.kind, 'events', JSON.stringify(result));
  if (result.kind !== 'events') throw new Error('unreachable');
  assert.equal(result.events.length, 1);
  return TraceEventSchema.parse(result.events[0]!.doc);
}

void describe('service lines real loggers write', () => {
  void test("pino's canonical line (no name) is indexed as unknown, flagged, never dead-lettered", () => {
    const doc = onlyDoc(fixture('variants/service-pino-canonical'));
    assert.equal(doc.service.name, 'unknown');
    assert.deepEqual(doc.ariane.flags, ['unknown_service', 'missing_request_id']);
    assert.equal(doc['@timestamp'], new Date(FIXTURE_START_MS + 31).toISOString());
  });

  void test('Log4j ECS: comma decimal, +0000 zone, trace context, no service.name', () => {
    const doc = onlyDoc(fixture('variants/service-log4j-ecs'));
    assert.equal(doc['@timestamp'], new Date(FIXTURE_START_MS + 28).toISOString());
    assert.equal(doc.ariane.raw_timestamp, '2026-11-20T10:00:00,028+0000');
    assert.equal(doc.service.name, 'unknown');
    assert.equal(doc.trace?.id, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(doc.span?.id, 'b7ad6b7169203331');
    assert.equal(doc.parent?.id, '00f067aa0ba902b7');
    assert.equal(doc.log?.logger, 'fr.gouv.vitam.access.external.rest.AccessExternalResource');
  });

  void test('snake_case and camelCase trace ids, and a logged traceparent header', () => {
    const base = { time: FIXTURE_START_MS, name: 'svc' };
    const snake = onlyDoc({
      ...base,
      trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736',
      span_id: 'b7ad6b7169203331',
    });
    assert.equal(snake.trace?.id, '4bf92f3577b34da6a3ce929d0e0e4736');
    const camel = onlyDoc({
      ...base,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: 'b7ad6b7169203331',
      parentSpanId: '00f067aa0ba902b7',
    });
    assert.equal(camel.parent?.id, '00f067aa0ba902b7');
    const header = onlyDoc({
      ...base,
      req: { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
    });
    assert.equal(header.trace?.id, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(header.parent?.id, '00f067aa0ba902b7');
    const zeros = onlyDoc({ ...base, trace_id: '00000000000000000000000000000000' });
    assert.equal(zeros.trace, undefined);
  });

  void test('INGEST_SERVICE_NAMES names a line by topic when nothing else does', () => {
    const serviceNames = loadServiceNameRules('{"topics":{"ariane.services":"legacy-batch"}}');
    const doc = onlyDoc(fixture('variants/service-pino-canonical'), { serviceNames });
    assert.equal(doc.service.name, 'legacy-batch');
    assert.equal(doc.ariane.flags?.includes('unknown_service'), false);
  });
});

void describe('timestamps', () => {
  const at = Date.UTC(2026, 2, 2, 10, 11, 53, 28);
  const cases: [unknown, number | undefined][] = [
    ['2026-03-02T10:11:53,028+0000', at],
    ['2026-03-02T10:11:53.028+00:00', at],
    ['2026-03-02T11:11:53.028+01', at],
    ['2026-03-02T10:11:53.028Z', at],
    ['2026-03-02 10:11:53,028', at],
    ['2026-03-02T10:11:53.02812Z', at],
    ['2026-03-02T10:11:53.028123456Z', at],
    ['2026-03-02T10:11:53.028123456789Z', undefined],
    [at / 1000, at],
    [Math.floor(at / 1000), at - 28],
    [at, at],
    [at * 1000 + 999, at],
    [`${at}000000`, at],
    [String(at / 1000), at],
    ['2026-13-02T10:11:53Z', undefined],
    ['yesterday', undefined],
    [-1, undefined],
    [Number.NaN, undefined],
    [true, undefined],
  ];
  for (const [value, expected] of cases)
    void test(`${JSON.stringify(value)} → ${expected === undefined ? 'refused' : new Date(expected).toISOString()}`, () => {
      assert.equal(parseSourceTimestamp(value), expected);
    });
});

void describe('service identity order', () => {
  const rules = loadServiceNameRules(
    '{"paths":[{"pattern":"/var/log/vitam/**/metadata-*.log","service":"from-path"}],"topics":{"t":"from-topic"}}',
  );
  const name = (own: string | undefined, facts: object) => serviceNameFor(own, facts, 't', rules);
  const k8s = (labels: Record<string, string>, containerName?: string) => ({
    kubernetes: { labels, ...(containerName && { containerName }) },
  });

  void test('each source in order, the first present wins', () => {
    const everything = {
      resourceServiceName: 'otel',
      ...k8s({ 'app.kubernetes.io/name': 'k8s-name', app: 'k8s-app' }, 'container'),
      shipperServiceName: 'shipper',
      appName: 'syslog-tag',
      filePath: '/var/log/vitam/a/metadata-1.log',
    };
    assert.equal(name('own', everything), 'own');
    assert.equal(name(undefined, everything), 'otel');
    assert.equal(name(undefined, { ...everything, resourceServiceName: undefined }), 'k8s-name');
    assert.equal(name(undefined, k8s({ app: 'k8s-app' }, 'container')), 'k8s-app');
    assert.equal(name(undefined, k8s({ app_kubernetes_io_name: 'x' }, 'container')), 'container');
    assert.equal(name(undefined, { shipperServiceName: 'shipper', appName: 'tag' }), 'shipper');
    assert.equal(name(undefined, { appName: 'tag' }), 'tag');
    assert.equal(name(undefined, { filePath: '/var/log/vitam/a/b/metadata-2.log' }), 'from-path');
    assert.equal(name(undefined, { filePath: '/var/log/other.log' }), 'from-topic');
    assert.equal(serviceNameFor(undefined, {}, 'other-topic', rules), undefined);
  });

  void test('INGEST_SERVICE_NAMES: bad JSON and unknown keys are refused by name', () => {
    assert.throws(() => loadServiceNameRules('{oops'), /INGEST_SERVICE_NAMES: not valid JSON/);
    assert.throws(() => loadServiceNameRules('{"services":{}}'), /INGEST_SERVICE_NAMES: \(root\)/);
    assert.throws(
      () => loadServiceNameRules('{"paths":[{"pattern":"/x","service":""}]}'),
      /INGEST_SERVICE_NAMES: paths\.0\.service/,
    );
  });
});
