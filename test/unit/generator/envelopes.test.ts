import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { DEFAULT_FIELD_MAPPING } from '../../../ingest/src/formats/field-mapping.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import {
  SHIPPER_SHAPE_NAMES,
  SHIPPER_SHAPES,
  wrapLine,
  type ShipperShape,
} from '../../../bench/generator/envelopes.js';
import { Random } from '../../../bench/generator/prng.js';
import { generateRecords, type TrafficRecord } from '../../../bench/generator/records.js';
import type { SimulatedRequest } from '../../../bench/generator/traffic.js';

const START_MS = Date.UTC(2026, 4, 1, 10, 0, 0);
const REQUESTS = 1_500;
const SHARE = 0.3;

function generate(envelopeShare: number) {
  const truth = new Map<string, SimulatedRequest>();
  const records = [
    ...generateRecords(
      { seed: 'envelopes', startMs: START_MS, requests: REQUESTS, envelopeShare },
      undefined,
      (request) => truth.set(request.correlationId, request),
    ),
  ];
  return { records, truth };
}

function normalise(record: TrafficRecord, offset: number) {
  const raw = Buffer.from(record.value);
  return normaliseRecord(raw, record.topic, 1_000_000, {
    origin: { topic: `ariane.${record.topic}`, partition: 0, offset: String(offset) },
    raw,
    nowMs: START_MS + 3_600_000,
    time: { retentionDays: 10, futureToleranceMs: 60_000, futureLimitMs: 86_400_000 },
    mapping: DEFAULT_FIELD_MAPPING,
  });
}

/** What must not depend on the envelope: the join keys and who wrote the line. */
function joinKeys(doc: TraceEvent) {
  return {
    dataset: doc.event.dataset,
    requestId: doc.http?.request?.id,
    service: doc.service?.name,
    transaction: doc.transaction?.id,
    correlationIds: doc.ariane.correlation_ids,
    sessionId: doc.ariane.session_id,
    timestamp: doc['@timestamp'],
    // Axway ids are derived from the correlation id and leg, never from the bytes.
    axwayId: doc.event.dataset.startsWith('axway.') ? doc.event.id : undefined,
  };
}

const bare = generate(0);
const shipped = generate(SHARE);

describe('shipper envelopes in generated traffic', () => {
  test('the envelope share only wraps records: order, topics, keys and due times are unchanged', () => {
    assert.equal(shipped.records.length, bare.records.length);
    shipped.records.forEach((record, index) => {
      const plain = bare.records[index] as TrafficRecord;
      assert.equal(record.topic, plain.topic);
      assert.equal(record.key, plain.key);
      assert.equal(record.dueMs, plain.dueMs);
      if (record.shipping === undefined) assert.equal(record.value, plain.value);
      else assert.notEqual(record.value, plain.value);
      assert.equal(plain.shipping, undefined);
    });
  });

  test('every shape appears, on its own topic, and the share is near the configured one', () => {
    const seen = new Map<ShipperShape, number>();
    let wrapped = 0;
    for (const record of shipped.records) {
      if (!record.shipping) continue;
      wrapped += 1;
      const { shape } = record.shipping;
      assert.equal(SHIPPER_SHAPES[shape].topic, record.topic, shape);
      seen.set(shape, (seen.get(shape) ?? 0) + 1);
    }
    for (const shape of SHIPPER_SHAPE_NAMES)
      assert.ok(
        (seen.get(shape) ?? 0) > 0,
        `${shape} never generated: ${JSON.stringify([...seen])}`,
      );
    const share = wrapped / shipped.records.length;
    assert.ok(Math.abs(share - SHARE) < 0.03, `share ${share}`);
    assert.ok(
      shipped.records.some((r) => r.shipping?.ownNameDropped),
      'no line left its service name to the envelope',
    );
  });

  test('every record normalises to the same join keys and service names as its bare line, through the envelopes applied', () => {
    let enveloped = 0;
    let namedByEnvelope = 0;
    shipped.records.forEach((record, offset) => {
      const plain = bare.records[offset] as TrafficRecord;
      const result = normalise(record, offset);
      const expected = normalise(plain, offset);
      const where = `${record.shipping?.shape ?? 'bare'}: ${record.value.slice(0, 300)}`;
      assert.equal(result.kind, 'events', `${JSON.stringify(result).slice(0, 400)} for ${where}`);
      assert.equal(expected.kind, 'events');
      if (result.kind !== 'events' || expected.kind !== 'events') return;
      assert.deepEqual(
        result.events.map(({ doc }) => joinKeys(doc)),
        expected.events.map(({ doc }) => joinKeys(doc)),
        where,
      );
      const applied = record.shipping ? SHIPPER_SHAPES[record.shipping.shape].envelopes : [];
      assert.deepEqual(result.envelopes, applied, where);
      for (const { doc } of result.events) {
        assert.deepEqual(doc.ariane.envelopes ?? [], applied, where);
        assert.ok(!doc.ariane.flags?.includes('unknown_service'), where);
      }
      if (record.shipping) enveloped += 1;
      if (record.shipping?.ownNameDropped) namedByEnvelope += 1;
    });
    assert.ok(enveloped > 2_000, `only ${enveloped} enveloped records`);
    assert.ok(namedByEnvelope > 200, `only ${namedByEnvelope} lines named by their envelope`);
  });

  test('a gateway line names its instance through the file it was read from, event-log lines included', () => {
    let eventLog = 0;
    shipped.records.forEach((record, offset) => {
      if (record.topic !== 'gateway' || !record.shipping) return;
      const result = normalise(record, offset);
      if (result.kind !== 'events') return;
      for (const { doc } of result.events) {
        const request = shipped.truth.get(doc.transaction?.id ?? '');
        assert.ok(request, `no request for ${doc.transaction?.id}`);
        assert.equal(doc.ariane.gateway_instance, request.gateway.serviceId);
        assert.equal(doc.ariane.gateway_group, request.gateway.groupId);
        assert.equal(doc.host?.name ?? doc.observer?.hostname, request.gateway.hostname);
        if (request.asTransactionEvent) eventLog += 1;
      }
    });
    assert.ok(eventLog > 50, `only ${eventLog} enveloped event-log documents`);
  });

  test('service envelopes carry the pod the line came from', () => {
    const record = shipped.records.find((r) => r.shipping?.shape === 'filebeat-kubernetes');
    assert.ok(record);
    const result = normalise(record, 0);
    assert.equal(result.kind, 'events');
    if (result.kind !== 'events') return;
    const doc = result.events[0]?.doc;
    assert.equal(doc?.orchestrator?.type, 'kubernetes');
    assert.equal(doc?.orchestrator?.namespace, 'vitam');
    assert.match(doc?.orchestrator?.resource?.name ?? '', new RegExp(`^${doc?.service?.name}-`));
  });

  test('a duplicated record resends the same envelope', () => {
    const counts = new Map<string, number>();
    for (const record of shipped.records)
      if (record.shipping) counts.set(record.value, (counts.get(record.value) ?? 0) + 1);
    assert.ok([...counts.values()].some((count) => count > 1));
  });

  test('wrapLine is a function of its line and its random stream', () => {
    const line = { topic: 'services' as const, value: '{"time":1,"name":"x"}', dueMs: START_MS };
    for (const shape of SHIPPER_SHAPE_NAMES)
      assert.deepEqual(
        wrapLine(line, new Random('w'), { shape }),
        wrapLine(line, new Random('w'), { shape }),
      );
  });
});
