import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import type { Normalised } from '../../../ingest/src/pipeline/normalised.js';
import { bytesOf, contextFor, fixture, FIXTURE_START_MS } from '../../helpers/ingest.js';

const CID = '5f3d2a6b0c00e4a1b2c3d4e5';
const REQUEST_ID = '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10';

function normalise(record: unknown): Normalised {
  const raw = bytesOf(record);
  return normaliseRecord(raw, 'gateway', 1024 * 1024, contextFor(raw));
}

function docsOf(result: Normalised): TraceEvent[] {
  assert.equal(result.kind, 'events', JSON.stringify(result));
  if (result.kind !== 'events') return [];
  for (const { doc } of result.events) TraceEventSchema.parse(doc);
  return result.events.map((e) => e.doc);
}

void describe('Axway open traffic lines', () => {
  void test('leg 0 reads ids from the client request headers, case-insensitively', () => {
    const [doc] = docsOf(normalise(fixture('axway-open-traffic-leg0')));
    assert.ok(doc);
    assert.equal(doc.event.id, `axway:${CID}:leg:0`);
    assert.equal(doc.event.dataset, 'axway.leg');
    assert.equal(doc['@timestamp'], new Date(FIXTURE_START_MS).toISOString());
    assert.equal(doc.event.end, new Date(FIXTURE_START_MS + 57).toISOString());
    assert.equal(doc.event.duration, 57_000_000);
    assert.equal(doc.event.sequence, 0);
    assert.equal(doc.event.outcome, 'success');
    assert.equal(doc.http?.request?.id, REQUEST_ID);
    assert.equal(doc.http?.request?.bytes, 512);
    assert.equal(doc.http?.response?.bytes, 1834);
    assert.equal(doc.ariane.session_id, 'sess-7d41c2');
    assert.equal(doc.organization?.id, '3');
    assert.equal(doc.transaction?.id, CID);
    assert.equal(doc.span?.id, `${CID}-0`);
    assert.equal(doc.client?.ip, '198.51.100.23');
    assert.equal(doc.client?.port, 53122);
    assert.deepEqual(doc.network?.forwarded_ip, ['203.0.113.9', '198.51.100.23']);
    assert.equal(doc.network?.direction, 'inbound');
    assert.equal(doc.user_agent?.original, 'demo-client/1.4');
    assert.equal(doc.ariane.client_id, '0b6f3c1e-5a2d-4e8f-9b7c-3d2e1f0a9b8c');
    assert.equal(doc.ariane.api_name, 'Vitam Access External');
    assert.equal(doc.ariane.raw_timestamp, String(FIXTURE_START_MS));
    assert.deepEqual(doc.ariane.correlation_ids, [CID]);
    assert.equal(doc.service.type, 'gateway');
    assert.equal(doc.service.node?.name, 'PISTE Gateway 1');
  });

  void test('leg 0 secrets are redacted in headers and URLs, and flagged', () => {
    const [doc] = docsOf(normalise(fixture('axway-open-traffic-leg0')));
    assert.ok(doc);
    const stored = JSON.stringify(doc);
    for (const secret of ['fake-token-123', 'fakeJwtHeader', 'abc123def456'])
      assert.ok(!stored.includes(secret), `${secret} leaked`);
    assert.equal(doc.url?.path, '/access-external/v1/units');
    assert.equal(doc.url?.query, '$limit=10&access_token=[REDACTED]');
    assert.match(doc.ariane.request_headers ?? '', /Authorization: \[REDACTED\]\r\n/);
    assert.match(doc.ariane.request_headers ?? '', /x-request-id: 8c1e0f4a/);
    assert.match(doc.ariane.response_headers ?? '', /Set-Cookie: \[REDACTED\]/);
    assert.deepEqual(doc.ariane.flags, ['redacted_secret']);
  });

  void test('leg 1 reads ids from the request sent to the backend; a null finalStatus falls back to HTTP', () => {
    const [doc] = docsOf(normalise(fixture('axway-open-traffic-leg1')));
    assert.ok(doc);
    assert.equal(doc.event.id, `axway:${CID}:leg:1`);
    assert.equal(doc.network?.direction, 'outbound');
    assert.equal(doc.destination?.address, '10.30.1.17');
    assert.equal(doc.destination?.port, 8444);
    assert.equal(doc.client, undefined);
    assert.equal(doc.http?.request?.id, REQUEST_ID);
    assert.equal(doc.http?.request?.bytes, 690);
    assert.equal(doc.event.outcome, 'success');
    assert.equal(doc.ariane.gateway_status, undefined);
    assert.ok(!JSON.stringify(doc).includes('fake-backend-key'));
  });

  void test('summary and circuit path get their own ids; filter messages are redacted', () => {
    const [summary] = docsOf(normalise(fixture('axway-open-traffic-summary')));
    assert.equal(summary?.event.id, `axway:${CID}:summary`);
    assert.equal(summary?.event.outcome, 'success');
    assert.equal(summary?.ariane.client_id, 'client-ministere-demo');
    assert.equal(summary?.ariane.app_name, 'Demo Front Office');
    const [circuit] = docsOf(normalise(fixture('axway-open-traffic-circuit')));
    assert.equal(circuit?.event.id, `axway:${CID}:circuit`);
    assert.equal(circuit?.event.dataset, 'axway.circuit_path');
    assert.ok(!JSON.stringify(circuit).includes('eyJzdWIiOiJkZW1vIn0'));
    assert.deepEqual(circuit?.ariane.flags, ['redacted_secret']);
  });

  void test('summary from open traffic only fills a gap; the event-log summary wins', () => {
    const openTraffic = normalise(fixture('axway-open-traffic-summary'));
    const eventLog = normalise(fixture('axway-event-log-transaction'));
    assert.ok(openTraffic.kind === 'events' && eventLog.kind === 'events');
    assert.equal(openTraffic.events[0]?.precedence, 'fallback');
    assert.equal(
      eventLog.events.find((e) => e.doc.event.dataset === 'axway.summary')?.precedence,
      'preferred',
    );
  });

  void test('a trace line is skipped, not dead-lettered', () => {
    assert.deepEqual(normalise(fixture('axway-open-traffic-trace')), {
      kind: 'skipped',
      reason: 'axway_trace',
      formats: ['axway-open-traffic'],
      envelopes: [],
    });
  });

  void test('a line with two record keys is rejected', () => {
    const line = { ...fixture('axway-open-traffic-leg0'), circuitPath: [] };
    const result = normalise(line);
    assert.equal(result.kind, 'rejected');
  });

  void test('wrong types are rejected with paths and messages, never values', () => {
    const line = fixture('axway-open-traffic-leg0');
    (line.transactionElement as Record<string, unknown>).leg = 'zero-secret-value';
    const result = normalise(line);
    assert.ok(result.kind === 'rejected');
    assert.equal(result.reason, 'schema_mismatch');
    assert.deepEqual(
      result.issues.map((i) => i.path),
      ['transactionElement.leg'],
    );
    assert.ok(!JSON.stringify(result.issues).includes('zero-secret-value'));
  });

  void test('a missing correlation id is rejected', () => {
    const line = fixture('axway-open-traffic-leg0');
    delete line.correlationId;
    const result = normalise(line);
    assert.ok(result.kind === 'rejected');
    assert.deepEqual(
      result.issues.map((i) => i.path),
      ['correlationId'],
    );
  });
});

void describe('Axway transaction event log', () => {
  void test('one leg document per leg with the same ids as open traffic, plus a summary', () => {
    const docs = docsOf(normalise(fixture('axway-event-log-transaction')));
    assert.deepEqual(
      docs.map((d) => d.event.id),
      [`axway:${CID}:leg:0`, `axway:${CID}:leg:1`, `axway:${CID}:summary`],
    );
    const [leg0, leg1, summary] = docs;
    assert.equal(leg0?.http?.request?.id, REQUEST_ID, 'from customMsgAtts');
    assert.equal(leg1?.ariane.session_id, 'sess-7d41c2');
    assert.equal(leg1?.organization?.id, '3');
    assert.equal(leg0?.ariane.client_id, '0b6f3c1e-5a2d-4e8f-9b7c-3d2e1f0a9b8c', 'from subject');
    assert.equal(summary?.event.duration, 57_000_000);
    assert.equal(summary?.http?.request?.id, REQUEST_ID);
  });

  void test('event-log legs are a fallback, so the open-traffic leg (with headers) wins', () => {
    const result = normalise(fixture('axway-event-log-transaction'));
    assert.ok(result.kind === 'events');
    assert.deepEqual(
      result.events.map((e) => e.precedence),
      ['fallback', 'fallback', 'preferred'],
    );
  });

  void test('header, system and alert lines are skipped', () => {
    for (const type of ['header', 'system', 'alert'])
      assert.deepEqual(normalise({ ...fixture('axway-event-log-header'), type }), {
        kind: 'skipped',
        reason: 'axway_event_log_metadata',
        formats: ['axway-event-log'],
        envelopes: [],
      });
  });
});
