import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  axwayCorrelationId,
  correlationIdSeconds,
} from '../../../bench/generator/correlation-id.js';
import { Random } from '../../../bench/generator/prng.js';
import {
  generateRecords,
  type TrafficRecord,
  type TrafficStats,
} from '../../../bench/generator/records.js';
import type { SimulatedRequest } from '../../../bench/generator/traffic.js';
import { GeneratorOptionsSchema } from '../../../bench/generator/options.js';
import { buildWorld } from '../../../bench/generator/world.js';

const START_MS = Date.UTC(2026, 4, 1, 10, 0, 0);

function run(requests: number, seed: string | number = 42, extra: Record<string, unknown> = {}) {
  const stats: TrafficStats = { requests: 0, records: 0, duplicates: 0, delayed: 0 };
  const truth: SimulatedRequest[] = [];
  const records = [
    ...generateRecords({ seed, startMs: START_MS, requests, ...extra }, stats, (request) =>
      truth.push(request),
    ),
  ];
  return { records, stats, truth };
}

describe('PRNG', () => {
  test('the same seed gives the same stream, another seed another one', () => {
    const draw = (seed: string) => Array.from({ length: 5 }, () => new Random(seed).uint32());
    assert.deepEqual(draw('a'), draw('a'));
    const a = new Random('a');
    const b = new Random('b');
    assert.notDeepEqual([a.uint32(), a.uint32()], [b.uint32(), b.uint32()]);
  });

  test('int stays within its bounds and covers them', () => {
    const random = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i += 1) seen.add(random.int(3, 7));
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7]);
  });

  test('uuid is a version-4 UUID', () => {
    assert.match(
      new Random(5).uuid(),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('Axway correlation id', () => {
  test('is 24 lower-case hex starting with the little-endian unix seconds', () => {
    const id = axwayCorrelationId(1_593_791_748_123, new Random(1));
    assert.match(id, /^[0-9a-f]{24}$/);
    assert.equal(id.slice(0, 8), '0455ff5e');
    assert.equal(correlationIdSeconds(id), 1_593_791_748);
  });
});

describe('generateRecords', () => {
  test('is deterministic for a seed', () => {
    assert.deepEqual(run(300, 'same').records, run(300, 'same').records);
    assert.notDeepEqual(run(50, 'one').records, run(50, 'two').records);
  });

  test('delivers records in due order and stops at the requested volume', () => {
    const { records, stats } = run(500);
    assert.equal(stats.requests, 500);
    assert.equal(stats.records, records.length);
    for (let i = 1; i < records.length; i += 1)
      assert.ok((records[i] as TrafficRecord).dueMs >= (records[i - 1] as TrafficRecord).dueMs);
  });

  test('spreads requests at the configured rate', () => {
    const { truth } = run(200, 42, { requestsPerSecond: 10 });
    const first = truth[0] as SimulatedRequest;
    const last = truth[truth.length - 1] as SimulatedRequest;
    assert.ok(first.startMs >= START_MS && first.startMs < START_MS + 100);
    assert.ok(last.startMs >= START_MS + 19_900 && last.startMs < START_MS + 20_000);
  });
});

describe('fault mix', () => {
  const requests = 6_000;
  const { records, stats, truth } = run(requests, 'faults');
  const faults = GeneratorOptionsSchema.parse({ startMs: 0 }).faults;
  const near = (actual: number, expected: number, label: string) =>
    assert.ok(
      Math.abs(actual - expected) <= Math.max(0.25 * expected, 10),
      `${label}: ${actual} not near ${expected.toFixed(0)}`,
    );

  test('quota rejections are answered by the gateway alone', () => {
    const quota = truth.filter((r) => r.rejection === 'quota');
    near(quota.length, requests * faults.quota, '429s');
    for (const request of quota) {
      assert.equal(request.status, 429);
      assert.equal(request.legs.length, 0);
      assert.equal(request.hops.length, 0);
    }
  });

  test('errors, slow backends and missing hops appear at their rates', () => {
    const routed = truth.filter((r) => !r.rejection);
    near(truth.filter((r) => r.status >= 500).length, routed.length * faults.serverError, '5xx');
    near(routed.filter((r) => r.slow).length, routed.length * faults.slow, 'slow');
    const hops = truth.flatMap((r) => r.hops);
    near(hops.filter((h) => !h.logged).length, hops.length * faults.missingHop, 'missing hops');
    assert.ok(truth.some((r) => r.status >= 400 && r.status < 500 && r.rejection === undefined));
  });

  test('duplicates and late records match their per-record rates', () => {
    const original = records.length - stats.duplicates;
    near(stats.duplicates, original * faults.duplicate, 'duplicates');
    near(stats.delayed, original * faults.outOfOrder, 'late records');
    const values = new Set(records.map((r) => r.value));
    assert.ok(values.size < records.length, 'some lines are delivered twice');
  });

  test('gateway formats follow the configured mix', () => {
    near(truth.filter((r) => r.asTransactionEvent).length, requests * 0.3, 'transaction events');
  });

  test('some backend hosts run with a skewed clock', () => {
    const world = buildWorld(GeneratorOptionsSchema.parse({ seed: 'faults', startMs: START_MS }));
    const hosts = [...world.services.values()].flatMap((s) => s.hosts);
    assert.ok(hosts.some((h) => h.clockSkewMs !== 0));
    assert.ok(hosts.some((h) => h.clockSkewMs === 0));
  });

  test('sessions group several requests and async calls are polled', () => {
    const perSession = new Map<string, number>();
    for (const r of truth)
      if (r.sessionId) perSession.set(r.sessionId, (perSession.get(r.sessionId) ?? 0) + 1);
    assert.ok([...perSession.values()].some((count) => count >= 3));
    const accepted = truth.filter(
      (r) => r.status === 202 && r.operation.name !== 'getOperationStatus',
    );
    assert.ok(accepted.length > 0);
    const polled = new Set(
      truth
        .filter((r) => r.operation.name === 'getOperationStatus')
        .map((r) => r.backendPath.split('/').pop()),
    );
    assert.ok(accepted.some((r) => polled.has(r.requestId)));
  });
});
