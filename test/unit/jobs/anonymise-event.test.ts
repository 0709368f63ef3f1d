import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymiseEvent, FreshIds } from '../../../core/src/anonymisation/anonymise-event.js';
import { PLACEHOLDER, scrubHeaderBlock, scrubText } from '../../../core/src/anonymisation/scrub.js';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { PERSONAL, personalEvent } from '../../helpers/jobs.js';

describe('anonymiseEvent', () => {
  test('leaves none of the personal values anywhere in the document', () => {
    const out = JSON.stringify(anonymiseEvent(personalEvent(), 'op-1'));
    for (const value of PERSONAL) assert.ok(!out.includes(value), `still holds ${value}`);
    assert.equal(anonymiseEvent(personalEvent(), 'op-1').ariane.source.offset, PLACEHOLDER);
  });

  test('keeps the technical fields dashboards count on', () => {
    const input = personalEvent();
    const out = anonymiseEvent(input, 'op-1');
    assert.equal(out['@timestamp'], input['@timestamp']);
    assert.deepEqual(out.service, input.service);
    assert.deepEqual(out.organization, input.organization);
    assert.deepEqual(out.http?.response, input.http?.response);
    assert.equal(out.http?.request?.method, 'GET');
    assert.equal(out.event.duration, input.event.duration);
    assert.equal(out.event.dataset, input.event.dataset);
    assert.equal(out.ariane.api_name, 'Referentiels');
    assert.equal(out.ariane.anonymisation_id, 'op-1');
    assert.equal(out.url?.path, `/api/v1/users/${PLACEHOLDER}`);
    assert.equal(
      out.ariane.request_headers,
      `X-Request-Id: ${PLACEHOLDER}\nAuthorization: ${PLACEHOLDER}`,
    );
  });

  test('produces a valid event with a fresh random id and drops fields it does not know', () => {
    const input = { ...personalEvent(), leaked: { ip: '203.0.113.77' } } as TraceEvent;
    const a = anonymiseEvent(input, 'op-1');
    const b = anonymiseEvent(input, 'op-1');
    assert.equal(TraceEventSchema.safeParse(a).success, true);
    assert.notEqual(a.event.id, input.event.id);
    assert.notEqual(a.event.id, b.event.id);
    assert.ok(!('leaked' in a));
  });

  test("a request's hops stay grouped under one stand-in within a run, unlinked across runs", () => {
    const run = new FreshIds();
    const leg0 = anonymiseEvent(personalEvent(), 'op-1', { freshIds: run });
    const leg1 = anonymiseEvent(personalEvent(), 'op-1', { freshIds: run });
    const otherRun = anonymiseEvent(personalEvent(), 'op-1', { freshIds: new FreshIds() });
    assert.equal(leg0.http?.request?.id, leg1.http?.request?.id);
    assert.equal(leg0.transaction?.id, leg1.transaction?.id);
    assert.deepEqual(leg0.ariane.correlation_ids, [leg0.transaction?.id]);
    assert.notEqual(leg0.http?.request?.id, otherRun.http?.request?.id);
  });

  test('removes the session id unless linkage is configured', () => {
    const run = new FreshIds();
    assert.equal(anonymiseEvent(personalEvent(), 'op-1').ariane.session_id, undefined);
    const a = anonymiseEvent(personalEvent(), 'op-1', { freshIds: run, keepSessionLinkage: true });
    const b = anonymiseEvent(personalEvent(), 'op-1', { freshIds: run, keepSessionLinkage: true });
    assert.ok(a.ariane.session_id && a.ariane.session_id !== 'sess-0f9c2a7e');
    assert.equal(a.ariane.session_id, b.ariane.session_id);
  });

  test('is idempotent in what it removes', () => {
    const once = anonymiseEvent(personalEvent(), 'op-1');
    const twice = anonymiseEvent(once, 'op-1');
    assert.equal(twice.message, once.message);
    assert.equal(twice.url?.original, once.url?.original);
  });
});

describe('scrubText', () => {
  const cases: [string, string][] = [
    ['mail to a.b+c@d.example.org now', `mail to ${PLACEHOLDER} now`],
    ['from 10.1.2.3:443', `from ${PLACEHOLDER}:443`],
    ['v6 fe80::1ff:fe23:4567:890a here', `v6 ${PLACEHOLDER} here`],
    ['Authorization Bearer abc.def-ghi', `Authorization ${PLACEHOLDER}`],
    ['id 123e4567-e89b-12d3-a456-426614174000', `id ${PLACEHOLDER}`],
    ['phone 0612345678', `phone ${PLACEHOLDER}`],
    ['at 12:30:45 status 200 GET /health', 'at 12:30:45 status 200 GET /health'],
  ];
  for (const [input, expected] of cases)
    test(input, () => assert.equal(scrubText(input), expected));

  test('replaces known values whatever their shape', () => {
    assert.equal(scrubText('hello JDupont!', ['jdupont']), `hello ${PLACEHOLDER}!`);
  });

  test('header blocks keep names only', () => {
    assert.equal(
      scrubHeaderBlock('Cookie: a=b\r\nX-Application-Id: s1'),
      `Cookie: ${PLACEHOLDER}\nX-Application-Id: ${PLACEHOLDER}`,
    );
  });
});
