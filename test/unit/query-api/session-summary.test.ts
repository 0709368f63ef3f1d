import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnosis } from '../../../query-api/src/contract/diagnosis.js';
import type { RequestSummary } from '../../../query-api/src/contract/session-timeline.js';
import {
  failuresByOrigin,
  groupEventsByRequest,
} from '../../../query-api/src/timeline/session-summary.js';
import { traceEvent } from '../../helpers/query-api.js';

const T0 = '2026-03-02T10:00:00.000Z';

function row(origin: Diagnosis['origin'], service: string | null): RequestSummary {
  return {
    requestId: 'r',
    start: T0,
    method: 'GET',
    path: '/x',
    status: 500,
    durationMs: 10,
    services: [],
    errors: 0,
    anomalies: [],
    eventCount: 1,
    diagnosis: {
      kind: origin === null ? 'ok' : 'backend_error',
      origin,
      service,
      reason: null,
      status: 500,
      error: null,
      summary: '',
      hops: [],
    },
  };
}

void describe('session summary', () => {
  void test('counts failures by origin: the gateway, each backend, the network', () => {
    const rows = [
      row('backend', 'metadata'),
      row(null, null),
      row('gateway', 'piste-gateway'),
      row('backend', 'metadata'),
      row('network', '/processing/v1/x'),
      row('backend', 'logbook'),
    ];
    assert.deepEqual(failuresByOrigin(rows), [
      { origin: 'backend', service: 'metadata', requests: 2 },
      { origin: 'backend', service: 'logbook', requests: 1 },
      { origin: 'gateway', service: null, requests: 1 },
      { origin: 'network', service: null, requests: 1 },
    ]);
  });

  void test('an event with neither request id nor correlation id joins by its trace id', () => {
    const leg = traceEvent({
      at: T0,
      id: 'leg',
      http: { request: { id: 'req-1' } },
      trace: { id: 'trace-1' },
    });
    const traced = traceEvent({ at: T0, id: 'svc', trace: { id: 'trace-1' } });
    const stranger = traceEvent({ at: T0, id: 'other', trace: { id: 'trace-2' } });
    const groups = groupEventsByRequest([leg, traced, stranger], ['req-1']);
    assert.deepEqual(
      groups.get('req-1')?.map((event) => event.event.id),
      ['leg', 'svc'],
    );
  });
});
