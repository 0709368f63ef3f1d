import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { DEFAULT_FIELD_MAPPING } from '../../../ingest/src/formats/field-mapping.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import { generateRecords, type TrafficStats } from '../../../bench/generator/records.js';
import type { SimulatedRequest } from '../../../bench/generator/traffic.js';
import { buildRequestTimeline } from '../../../query-api/src/timeline/assemble.js';
import { groupEventsByRequest } from '../../../query-api/src/timeline/session-summary.js';
import { diagnosisMismatch } from '../../helpers/diagnosis-truth.js';

/**
 * Generated traffic, through ingest's normalisation and the timeline builder, without servers:
 * every failure kind of the demo traffic appears, and each request's diagnosis matches what the
 * generator did to it. The integration suite repeats this through Kafka and Elasticsearch.
 */
const START_MS = Date.UTC(2026, 4, 1, 10, 0, 0);

describe('diagnosis of generated traffic', () => {
  const truth: SimulatedRequest[] = [];
  const stats: TrafficStats = { requests: 0, records: 0, duplicates: 0, delayed: 0 };
  const records = [
    ...generateRecords(
      {
        seed: 'diagnosis',
        startMs: START_MS,
        requests: 600,
        faults: { clientError: 0.2, serverError: 0.25, quota: 0.03, slow: 0.05, skewedHost: 0 },
      },
      stats,
      (request) => truth.push(request),
    ),
  ];
  const events = new Map<string, TraceEvent>();
  records.forEach((record, offset) => {
    const raw = Buffer.from(record.value);
    const result = normaliseRecord(raw, record.topic, 1_000_000, {
      origin: { topic: record.topic, partition: 0, offset: String(offset) },
      raw,
      nowMs: START_MS + 3_600_000,
      time: { retentionDays: 10, futureToleranceMs: 60_000, futureLimitMs: 86_400_000 },
      mapping: DEFAULT_FIELD_MAPPING,
    });
    if (result.kind !== 'events') return;
    for (const { doc, precedence } of result.events)
      if (precedence === 'preferred' || !events.has(doc.event.id)) events.set(doc.event.id, doc);
  });
  const sorted = [...events.values()].sort(
    (a, b) =>
      a['@timestamp'].localeCompare(b['@timestamp']) || a.event.id.localeCompare(b.event.id),
  );
  const traced = truth.filter((request) => request.requestId !== undefined);
  const groups = groupEventsByRequest(
    sorted,
    traced.map((request) => request.requestId as string),
  );

  test('the demo traffic has every failure kind', () => {
    const kinds = new Set(
      truth.map((request) =>
        request.failure
          ? `${request.failure.kind}${request.failure.reason ? `:${request.failure.reason}` : ''}`
          : 'ok',
      ),
    );
    assert.deepEqual([...kinds].sort(), [
      'backend_client_error',
      'backend_error',
      'backend_unreachable:timeout',
      'backend_unreachable:unreachable',
      'gateway_failed_after_backend',
      'ok',
      'rejected_by_gateway:oauth',
      'rejected_by_gateway:quota',
      'rejected_by_gateway:scope',
      'rejected_by_gateway:size',
      'rejected_by_gateway:waf',
      'slow',
    ]);
    assert.ok(
      truth.some(
        (request) =>
          request.failure?.kind === 'backend_error' &&
          request.hops.filter((hop) => hop.status >= 500).length >= 3,
      ),
      'a backend error passed up through several services',
    );
  });

  test("each request's diagnosis matches what the generator did to it", () => {
    const mismatches: string[] = [];
    for (const request of traced) {
      const requestEvents = groups.get(request.requestId as string) ?? [];
      const timeline = buildRequestTimeline(requestEvents, {
        requestId: request.requestId as string,
        tenant: request.tenant,
        totalEvents: requestEvents.length,
        otherTenantMatches: 0,
        clockSkewToleranceMs: 1_000,
        baseline: null,
      });
      // Without a route baseline, only requests of 5 s or more are called slow.
      if (request.failure?.kind === 'slow' && request.durationMs < 5_000) continue;
      const mismatch = diagnosisMismatch(request, timeline.diagnosis);
      if (mismatch) mismatches.push(`${request.operation.name} ${request.status}: ${mismatch}`);
    }
    assert.deepEqual(mismatches.slice(0, 10), []);
  });
});
