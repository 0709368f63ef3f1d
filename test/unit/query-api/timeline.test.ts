import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildRequestTimeline } from '../../../query-api/src/timeline/assemble.js';
import { plus, requestEvents, traceEvent } from '../../helpers/query-api.js';

const T0 = '2026-03-02T10:00:00.000Z';
const options = {
  requestId: 'req-1',
  tenant: 'tenant-a',
  otherTenantMatches: 0,
  clockSkewToleranceMs: 50,
};

function timelineOf(events: ReturnType<typeof requestEvents>, extra: Partial<typeof options> = {}) {
  return buildRequestTimeline(events, { ...options, totalEvents: events.length, ...extra });
}

const twoBackends = {
  requestId: 'req-1',
  transactionId: 'tx-1',
  start: T0,
  durationMs: 120,
  status: 200,
  sessionId: 'sess-1',
  clientId: 'client-1',
  backends: [
    { service: 'orders', offsetMs: 10, durationMs: 40, status: 200 },
    { service: 'stock', offsetMs: 60, durationMs: 50, status: 200 },
  ],
};

void describe('buildRequestTimeline', () => {
  void test('groups a multi-hop request into legs, then services, each matched to its leg', () => {
    const timeline = timelineOf(requestEvents(twoBackends));
    assert.deepEqual(
      timeline.hops.map((hop) => [hop.kind, hop.service, hop.leg, hop.parent, hop.link]),
      [
        ['gateway_leg', 'piste-gateway', 0, null, 'root'],
        ['gateway_leg', 'piste-gateway', 1, 0, 'gateway'],
        ['gateway_leg', 'piste-gateway', 2, 0, 'gateway'],
        ['service', 'orders', null, 1, 'correlation'],
        ['service', 'stock', null, 2, 'correlation'],
      ],
    );
    assert.deepEqual(timeline.anomalies, []);
    assert.equal(timeline.truncated, false);
    const { summary } = timeline;
    assert.equal(summary.finalStatus, 200);
    assert.equal(summary.totalDurationMs, 120);
    assert.equal(summary.backendMs, 90);
    assert.equal(summary.gatewayMs, 30);
    assert.deepEqual(summary.services, ['orders', 'stock']);
    assert.deepEqual(summary.correlation, {
      tenant: 'tenant-a',
      sessionIds: ['sess-1'],
      clientIds: ['client-1'],
      transactionIds: ['tx-1'],
    });
    assert.equal(summary.method, 'GET');
    assert.equal(summary.path, '/api/v1/things');
  });

  void test('keeps each hop raw timestamps and event ids', () => {
    const timeline = timelineOf(requestEvents(twoBackends));
    const orders = timeline.hops.find((hop) => hop.service === 'orders');
    assert.deepEqual(orders?.rawTimestamps, [plus(T0, 11)]);
    assert.deepEqual(orders?.eventIds, ['tx-1-orders']);
    assert.equal(orders?.start, plus(T0, 11));
  });

  void test('flags a leg that forwarded with no service event as a missing hop', () => {
    const events = requestEvents({
      ...twoBackends,
      backends: [twoBackends.backends[0]!, { ...twoBackends.backends[1]!, logged: false }],
    });
    const timeline = timelineOf(events);
    const missing = timeline.anomalies.filter((anomaly) => anomaly.type === 'missing_hop');
    assert.equal(missing.length, 1);
    assert.deepEqual(missing[0]?.hops, [2]);
    assert.equal(missing[0]?.details.leg, 2);
  });

  void test('flags a status the gateway saw differently from the service', () => {
    const events = requestEvents({
      ...twoBackends,
      status: 502,
      backends: [{ service: 'orders', offsetMs: 10, durationMs: 40, status: 500 }],
    });
    // The gateway rewrote the backend's 500 as 502 on leg 1.
    const leg1 = events.find((event) => event.event.id === 'tx-1-leg1');
    assert.ok(leg1?.http?.response);
    leg1.http.response.status_code = 502;
    const timeline = timelineOf(events);
    const mismatch = timeline.anomalies.find((anomaly) => anomaly.type === 'status_mismatch');
    assert.deepEqual(mismatch?.details, { callerStatus: 502, calleeStatus: 500 });
    assert.equal(timeline.summary.finalStatus, 502);
    assert.equal(timeline.summary.outcome, 'failure');
  });

  void test('status_mismatch along the whole path: leg 0 against the leg it relayed, services', () => {
    const events = requestEvents({
      ...twoBackends,
      status: 500,
      backends: [
        { service: 'orders', offsetMs: 10, durationMs: 40, status: 200 },
        {
          service: 'stock',
          offsetMs: 60,
          durationMs: 50,
          status: 200,
          downstream: [{ service: 'ledger', offsetMs: 5, durationMs: 20, status: 409 }],
        },
      ],
    });
    const mismatches = timelineOf(events)
      .anomalies.filter((anomaly) => anomaly.type === 'status_mismatch')
      .map((anomaly) => [anomaly.hops, anomaly.details]);
    // Leg 0 (500) against leg 2 (200), the answer it relayed; not against leg 1. Then stock
    // (200) against the ledger it called (409).
    assert.deepEqual(mismatches, [
      [[0, 2], { callerStatus: 500, calleeStatus: 200 }],
      [[4, 5], { callerStatus: 200, calleeStatus: 409 }],
    ]);
  });

  void test('two successes that differ are no mismatch', () => {
    const events = requestEvents({
      ...twoBackends,
      status: 201,
      backends: [{ service: 'orders', offsetMs: 10, durationMs: 40, status: 202 }],
    });
    assert.equal(
      timelineOf(events).anomalies.some((anomaly) => anomaly.type === 'status_mismatch'),
      false,
    );
  });

  void test('flags clock skew beyond the tolerance, keeping the skewed order as logged', () => {
    const events = requestEvents({
      ...twoBackends,
      backends: [{ service: 'orders', offsetMs: 10, durationMs: 40, status: 200, skewMs: -5_000 }],
    });
    const timeline = timelineOf(events);
    const skew = timeline.anomalies.find((anomaly) => anomaly.type === 'clock_skew');
    assert.ok(skew);
    assert.equal(skew.details.startsEarlyByMs, 4_999);
    // The service event comes first in the event list: as stored, never reordered.
    assert.equal((timeline.events[0] as { event: { id: string } }).event.id, 'tx-1-orders');
    assert.equal(timeline.hops.find((hop) => hop.service === 'orders')?.start, plus(T0, -4_989));
  });

  void test('tolerates small skew within CLOCK_SKEW_TOLERANCE_MS', () => {
    const events = requestEvents({
      ...twoBackends,
      backends: [{ service: 'orders', offsetMs: 10, durationMs: 40, status: 200, skewMs: -20 }],
    });
    assert.equal(
      timelineOf(events).anomalies.some((anomaly) => anomaly.type === 'clock_skew'),
      false,
    );
  });

  void test('lists errors with their service, status and message', () => {
    const events = requestEvents({
      ...twoBackends,
      status: 500,
      backends: [
        { service: 'orders', offsetMs: 10, durationMs: 40, status: 500, errorMessage: 'db down' },
      ],
    });
    const timeline = timelineOf(events);
    const orders = timeline.summary.errors.find((error) => error.service === 'orders');
    assert.deepEqual(orders, {
      eventId: 'tx-1-orders',
      service: 'orders',
      status: 500,
      code: null,
      type: 'Error',
      message: 'db down',
    });
    assert.equal(timeline.hops.find((hop) => hop.service === 'orders')?.outcome, 'failure');
  });

  void test('joins a backend that logged only the correlation id', () => {
    const events = requestEvents({
      ...twoBackends,
      backends: [{ ...twoBackends.backends[0]!, correlationOnly: true }],
    });
    const timeline = timelineOf(events);
    assert.equal(timeline.hops.find((hop) => hop.service === 'orders')?.parent, 1);
    assert.equal(
      timeline.anomalies.some((anomaly) => anomaly.type === 'missing_hop'),
      false,
    );
  });

  void test('reports reuse across tenants as a count and across sessions from the events', () => {
    const first = requestEvents(twoBackends);
    const second = requestEvents({
      ...twoBackends,
      transactionId: 'tx-2',
      sessionId: 'sess-2',
      start: plus(T0, 60_000),
    });
    const timeline = timelineOf([...first, ...second], { otherTenantMatches: 3 });
    const types = timeline.anomalies.map((anomaly) => anomaly.type);
    assert.ok(types.includes('request_id_reused_across_tenants'));
    assert.ok(types.includes('request_id_reused_across_sessions'));
    assert.deepEqual(
      timeline.anomalies.find((anomaly) => anomaly.type === 'request_id_reused_across_tenants')
        ?.details,
      { otherTenantEvents: 3 },
    );
    // Two transactions, each with its own leg 0..2.
    assert.equal(timeline.hops.filter((hop) => hop.kind === 'gateway_leg').length, 6);
  });

  void test('flags a truncated request with the total', () => {
    const events = requestEvents(twoBackends);
    const timeline = timelineOf(events, { totalEvents: 12_345 } as never);
    assert.equal(timeline.truncated, true);
    assert.deepEqual(timeline.anomalies.find((anomaly) => anomaly.type === 'truncated')?.details, {
      returnedEvents: events.length,
      totalEvents: 12_345,
    });
  });

  void test('handles thousands of events of one service in one hop', () => {
    const events = requestEvents(twoBackends);
    for (let index = 0; index < 5_000; index += 1)
      events.push(
        traceEvent({
          at: plus(T0, 12 + (index % 30)),
          id: `log-${String(index).padStart(5, '0')}`,
          service: { name: 'orders', type: 'backend' },
          transaction: { id: 'tx-1' },
          http: { request: { id: 'req-1' } },
        }),
      );
    const timeline = timelineOf(events);
    const orders = timeline.hops.filter((hop) => hop.service === 'orders');
    assert.equal(orders.length, 1);
    assert.equal(orders[0]?.eventIds.length, 5_001);
    assert.equal(timeline.summary.eventCount, events.length);
  });

  void test('a generic gateway access line stands in for leg 0', () => {
    const at = T0;
    const timeline = timelineOf([
      traceEvent({
        at,
        event: {
          id: 'a',
          dataset: 'gateway.access',
          kind: 'event',
          category: ['web'],
          type: ['access'],
          outcome: 'success',
          duration: 30e6,
          ingested: at,
        },
        service: { name: 'edge', type: 'gateway' },
        http: { request: { id: 'req-1', method: 'POST' }, response: { status_code: 201 } },
      }),
    ]);
    assert.equal(timeline.summary.finalStatus, 201);
    assert.equal(timeline.summary.totalDurationMs, 30);
    assert.equal(timeline.hops[0]?.kind, 'gateway_access');
  });
});
