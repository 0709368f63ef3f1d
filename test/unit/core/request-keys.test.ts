import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_REQUEST_KEYS,
  RequestKeysSchema,
  requestKeysId,
  requestKeysOf,
  requestKeysUpdate,
} from '../../../core/src/es/request-keys.js';
import { smallIndexMappings } from '../../../core/src/es/small-indices.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { requestEvents } from '../../helpers/query-api.js';

const T0 = '2026-03-02T10:00:00.000Z';
const hops = requestEvents({
  requestId: 'req-1',
  transactionId: 'tx-1',
  start: T0,
  durationMs: 100,
  status: 200,
  backends: [{ service: 'orders', offsetMs: 10, durationMs: 40, status: 200 }],
});
const withTrace = (event: TraceEvent, trace: string): TraceEvent => ({
  ...event,
  trace: { id: trace },
});

void describe('request keys (ADR 005)', () => {
  test("one document per tenant and request id, with its own events' join keys and span", () => {
    const own = hops.filter((event) => event.http?.request?.id === 'req-1');
    assert.ok(own.length > 0 && own.length < hops.length, 'the fixture has lines without the id');
    const [entry, ...more] = requestKeysOf([withTrace(own[0] as TraceEvent, 'trace-1'), ...hops]);
    assert.equal(more.length, 0);
    assert.equal(entry?.id, 'tenant-a/req-1');
    assert.deepEqual(entry?.doc.keys, ['tx-1']);
    assert.deepEqual(entry?.doc.traces, ['trace-1']);
    const times = own.map((event) => event['@timestamp']).sort();
    assert.equal(entry?.doc.first, times[0]);
    assert.equal(entry?.doc.last, times.at(-1));
    assert.ok(RequestKeysSchema.safeParse(entry?.doc).success);
  });

  test('any order of arrival gives the same document', () => {
    const forward = requestKeysOf(hops)[0]?.doc;
    const backward = requestKeysOf([...hops].reverse())[0]?.doc;
    assert.deepEqual(forward, backward);
  });

  test('events without a tenant or a request id, or with an impossible _id, contribute nothing', () => {
    const noTenant = hops.map(({ organization: _tenant, ...event }) => event as TraceEvent);
    assert.deepEqual(requestKeysOf(noTenant), []);
    assert.equal(requestKeysId('tenant-a', 'x'.repeat(600)), undefined);
  });

  test('keys are capped like the two-search join', () => {
    const own = hops.find((event) => event.http?.request?.id === 'req-1') as TraceEvent;
    const many = Array.from({ length: MAX_REQUEST_KEYS + 50 }, (_, i) => ({
      ...own,
      transaction: { id: `tx-${i}` },
      ariane: { ...own.ariane, correlation_ids: [] },
    }));
    assert.equal(requestKeysOf(many)[0]?.doc.keys.length, MAX_REQUEST_KEYS);
  });

  test('the update upserts the document and merges by script; the mapping holds its fields', () => {
    const { id, doc } = requestKeysOf(hops)[0] ?? assert.fail('no keys');
    const [action, body] = requestKeysUpdate('ariane-request-keys', id, doc);
    assert.deepEqual(action.update, {
      _index: 'ariane-request-keys',
      _id: id,
      retry_on_conflict: 5,
    });
    assert.deepEqual(body.upsert, doc);
    assert.deepEqual(
      Object.keys(smallIndexMappings('request-keys').properties).sort(),
      Object.keys(RequestKeysSchema.shape).sort(),
    );
  });
});
