import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { loadFieldMapping } from '../../../ingest/src/formats/field-mapping.js';
import type { TopicKind } from '../../../ingest/src/formats/input-format.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import type { NormaliseContext } from '../../../ingest/src/pipeline/normalise-context.js';
import type { Normalised } from '../../../ingest/src/pipeline/normalised.js';
import { bytesOf, contextFor, fixture, FIXTURE_START_MS } from '../../helpers/ingest.js';

const CID = '5f3d2a6b0c00e4a1b2c3d4e5';
const REQUEST_ID = '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10';

function normalise(
  record: unknown,
  kind: TopicKind,
  overrides: Partial<NormaliseContext> = {},
): Normalised {
  const raw = bytesOf(record);
  return normaliseRecord(raw, kind, 1024 * 1024, contextFor(raw, overrides));
}

function onlyDoc(result: Normalised): TraceEvent {
  assert.equal(result.kind, 'events', JSON.stringify(result));
  assert.ok(result.kind === 'events' && result.events.length === 1);
  return TraceEventSchema.parse(result.events[0]!.doc);
}

void describe('generic access log', () => {
  void test('maps every documented field', () => {
    const doc = onlyDoc(normalise(fixture('generic-access-log'), 'gateway'));
    assert.equal(doc.event.dataset, 'gateway.access');
    assert.match(doc.event.id, /^access:[A-Za-z0-9_-]{32}$/);
    assert.equal(doc.http?.request?.id, REQUEST_ID);
    assert.equal(doc.ariane.session_id, 'sess-7d41c2');
    assert.equal(doc.organization?.id, '3');
    assert.equal(doc.url?.path, '/access-external/v1/units');
    assert.equal(doc.url?.query, '$limit=10&api_key=[REDACTED]');
    assert.equal(doc.event.duration, 57_400_000);
    assert.equal(doc.client?.ip, '198.51.100.23');
    assert.deepEqual(doc.network?.forwarded_ip, ['203.0.113.9']);
    assert.equal(doc.service.name, 'kong-edge-1');
    assert.equal(doc.ariane.api_name, 'access-external');
    assert.equal(doc.ariane.raw_timestamp, '2026-11-20T10:00:00.000Z');
    assert.deepEqual(doc.ariane.flags, ['redacted_secret']);
  });

  void test('an invalid client IP is left out rather than failing the document', () => {
    const doc = onlyDoc(
      normalise({ ...fixture('generic-access-log'), client_ip: 'not-an-ip' }, 'gateway'),
    );
    assert.equal(doc.client, undefined);
  });

  void test('missing required fields are rejected with their paths', () => {
    const result = normalise({ timestamp: FIXTURE_START_MS, method: 'GET' }, 'gateway');
    assert.ok(result.kind === 'rejected');
    assert.deepEqual(
      result.issues.map((i) => i.path),
      ['path', 'status'],
    );
  });
});

void describe('service logs', () => {
  void test('pino: time, name, msg, req/res, and the X-CorrelationID the backend received', () => {
    const doc = onlyDoc(normalise(fixture('service-pino'), 'services'));
    assert.equal(doc.event.dataset, 'service.log');
    assert.match(doc.event.id, /^svc:/);
    assert.equal(doc['@timestamp'], new Date(FIXTURE_START_MS + 31).toISOString());
    assert.equal(doc.service.name, 'vitam-access');
    assert.equal(doc.service.type, 'backend');
    assert.equal(doc.log?.level, 'info');
    assert.equal(doc.message, 'request completed');
    assert.equal(doc.http?.request?.method, 'GET');
    assert.equal(doc.http?.response?.status_code, 200);
    assert.equal(doc.url?.path, '/access-external/v1/units');
    assert.equal(doc.event.duration, 31_000_000);
    assert.deepEqual(doc.ariane.correlation_ids, [CID]);
    assert.equal(doc.organization?.id, '3');
    assert.equal(doc.http?.request?.id, undefined);
    assert.deepEqual(doc.ariane.flags, ['missing_request_id']);
  });

  void test('ECS: dotted and nested keys; a bearer token in the message is redacted', () => {
    const doc = onlyDoc(normalise(fixture('service-ecs'), 'services'));
    assert.equal(doc.service.name, 'vitam-metadata');
    assert.equal(doc.http?.request?.id, REQUEST_ID);
    assert.equal(doc.http?.request?.method, 'POST');
    assert.equal(doc.url?.path, '/metadata/v1/units/search');
    assert.equal(doc.organization?.id, '3');
    assert.equal(doc.message, 'units query executed with Authorization Bearer [REDACTED]');
    assert.deepEqual(doc.ariane.flags, ['redacted_secret']);
  });

  void test('logback: MDC ids, upper-case level, offset timestamp kept verbatim', () => {
    const doc = onlyDoc(normalise(fixture('service-logback'), 'services'));
    assert.equal(doc.service.name, 'vitam-metadata');
    assert.equal(doc['@timestamp'], new Date(FIXTURE_START_MS + 25).toISOString());
    assert.equal(doc.ariane.raw_timestamp, '2026-11-20T11:00:00.025+01:00');
    assert.equal(doc.log?.level, 'error');
    assert.equal(doc.log?.logger, 'fr.gouv.vitam.metadata.core.MetaDataImpl');
    assert.equal(doc.event.outcome, 'failure');
    assert.equal(doc.http?.request?.id, REQUEST_ID);
    assert.equal(doc.ariane.session_id, 'sess-7d41c2');
  });

  void test('the same bytes give the same id; different bytes a different one', () => {
    const a = onlyDoc(normalise(fixture('service-pino'), 'services'));
    const b = onlyDoc(normalise(fixture('service-pino'), 'services', { nowMs: FIXTURE_START_MS }));
    const c = onlyDoc(normalise({ ...fixture('service-pino'), msg: 'other' }, 'services'));
    assert.equal(a.event.id, b.event.id);
    assert.notEqual(a.event.id, c.event.id);
  });

  void test('a line without a timestamp is rejected with the concept as path', () => {
    const noTime = normalise({ name: 'svc', msg: 'x' }, 'services');
    assert.ok(noTime.kind === 'rejected');
    assert.equal(noTime.reason, 'missing_field');
    assert.equal(noTime.issues[0]?.path, 'timestamp');
    const badTime = normalise({ time: 'yesterday', name: 'svc' }, 'services');
    assert.ok(badTime.kind === 'rejected');
    assert.equal(badTime.reason, 'invalid_timestamp');
  });

  void test('configured paths are tried before the defaults', () => {
    const mapping = loadFieldMapping('{"requestId":["ctx.rid"],"service":["component"]}');
    const doc = onlyDoc(
      normalise(
        { time: FIXTURE_START_MS, component: 'billing', ctx: { rid: 'r-1' }, requestId: 'r-2' },
        'services',
        { mapping },
      ),
    );
    assert.equal(doc.http?.request?.id, 'r-1');
    assert.equal(doc.service.name, 'billing');
  });
});

void describe('time edges', () => {
  const DAY = 86_400_000;
  void test('older than the retention window: dropped and counted, not rejected', () => {
    const result = normalise(fixture('service-pino'), 'services', {
      nowMs: FIXTURE_START_MS + 11 * DAY,
    });
    assert.deepEqual(result, {
      kind: 'expired',
      count: 1,
      formats: ['service-log'],
      envelopes: [],
    });
  });

  void test('a little in the future: indexed with the future_timestamp flag and the raw time', () => {
    const doc = onlyDoc(
      normalise(fixture('axway-open-traffic-leg0'), 'gateway', {
        nowMs: FIXTURE_START_MS - 3_600_000,
      }),
    );
    assert.ok(doc.ariane.flags?.includes('future_timestamp'));
    assert.equal(doc.ariane.raw_timestamp, String(FIXTURE_START_MS));
  });

  void test('more than the future limit ahead: dead-lettered', () => {
    const result = normalise(fixture('axway-open-traffic-leg0'), 'gateway', {
      nowMs: FIXTURE_START_MS - 2 * DAY,
    });
    assert.ok(result.kind === 'rejected');
    assert.equal(result.reason, 'timestamp_too_far_in_future');
  });
});
