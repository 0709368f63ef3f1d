import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceEventSchema, type TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import type { Normalised } from '../../../ingest/src/pipeline/normalised.js';
import { bytesOf, contextFor, fixture } from '../../helpers/ingest.js';

/** Lines real gateways write that Ariane's own generator does not (fixtures in variants/). */

const CID = '5f3d2a6b0c00e4a1b2c3d4e5';
const UPSTREAM_CID = '9a8b7c6d5e4f3a2b1c0d9e8f';
const REQUEST_ID = '8c1e0f4a-2b7d-4c9e-a3f1-6d5b9e2c7a10';

function normalise(record: unknown): Normalised {
  const raw = Buffer.isBuffer(record) ? record : bytesOf(record);
  return normaliseRecord(raw, 'gateway', 1024 * 1024, contextFor(raw));
}

function docsOf(result: Normalised): TraceEvent[] {
  assert.equal(result.kind, 'events', JSON.stringify(result));
  if (result.kind !== 'events') return [];
  for (const { doc } of result.events) TraceEventSchema.parse(doc);
  return result.events.map((e) => e.doc);
}

/** The parts of a leg fixture the tests rewrite. */
interface LegLine {
  transactionElement: {
    finalStatus: unknown;
    protocolInfo: { http: { status: number }; recvHeader?: string };
  };
}
const legLine = (name: string) => fixture(name) as unknown as LegLine;
const leg1 = () => legLine('axway-open-traffic-leg1');

void describe('real gateway variants', () => {
  void test('any non-empty correlation id is accepted; hex ids are stored lower-case', () => {
    const [ft] = docsOf(normalise(fixture('variants/open-traffic-file-transfer-leg')));
    assert.equal(ft?.transaction?.id, 'ft-4afc4f5f-0001');
    assert.equal(ft?.event.id, 'axway:ft-4afc4f5f-0001:leg:0');
    assert.deepEqual(ft?.ariane.correlation_ids, ['ft-4afc4f5f-0001']);
    const docs = docsOf(normalise(fixture('variants/event-log-selector-keys')));
    assert.ok(docs.every((d) => d.transaction?.id === CID));
    const empty = normalise({ ...leg1(), correlationId: '  ' });
    assert.equal(empty.kind, 'rejected');
  });

  void test('finalStatus in either vocabulary and any case, or null', () => {
    const cases: [unknown, number, string][] = [
      ['Pass', 500, 'success'],
      ['Fail', 200, 'failure'],
      ['Error', 200, 'failure'],
      ['success', 500, 'success'],
      ['failure', 200, 'failure'],
      ['exception', 200, 'failure'],
      ['PASS', 500, 'success'],
      [null, 502, 'failure'],
      [null, 200, 'success'],
      ['Abort', 503, 'failure'],
    ];
    for (const [finalStatus, status, outcome] of cases) {
      const line = leg1();
      line.transactionElement.finalStatus = finalStatus;
      line.transactionElement.protocolInfo.http.status = status;
      const [doc] = docsOf(normalise(line));
      assert.equal(doc?.event.outcome, outcome, `${String(finalStatus)} / ${status}`);
    }
  });

  void test('statusText or statustext, sslSubject or sslsubject, ports as numbers', () => {
    const [doc] = docsOf(normalise(fixture('variants/open-traffic-chained-correlation')));
    assert.equal(doc?.http?.response?.status_code, 500);
    assert.equal(doc?.destination?.port, 8444);
  });

  void test('legs not in a row, a JMS leg, and a success transaction whose leg returned 500', () => {
    const docs = docsOf(normalise(fixture('variants/event-log-selector-keys')));
    const legs = docs.filter((d) => d.event.dataset === 'axway.leg');
    assert.deepEqual(
      legs.map((d) => d.ariane.leg),
      [0, 1, 2, 5],
    );
    assert.deepEqual(
      legs.map((d) => d.network?.protocol),
      ['http', 'http', 'http', 'jms'],
    );
    assert.deepEqual(
      legs.map((d) => d.event.outcome),
      ['success', 'success', 'failure', 'failure'],
    );
    const summary = docs.find((d) => d.event.dataset === 'axway.summary');
    assert.equal(summary?.event.outcome, 'success');
    assert.equal(summary?.network?.protocol, 'https');
  });

  void test('customMsgAtts keys written as selector expressions stand for their headers', () => {
    const docs = docsOf(normalise(fixture('variants/event-log-selector-keys')));
    for (const doc of docs) {
      assert.equal(doc.http?.request?.id, REQUEST_ID);
      assert.equal(doc.ariane.session_id, 'sess-7d41c2');
      assert.equal(doc.organization?.id, '3');
      assert.deepEqual(doc.ariane.correlation_ids, [CID, UPSTREAM_CID]);
    }
  });

  void test('legs empty, or holding only leg 1', () => {
    const transaction = fixture('axway-event-log-transaction') as { legs: unknown[] };
    const none = docsOf(normalise({ ...transaction, legs: [] }));
    assert.deepEqual(
      none.map((d) => d.event.dataset),
      ['axway.summary'],
    );
    const onlyLeg1 = docsOf(normalise({ ...transaction, legs: [transaction.legs[1]] }));
    assert.deepEqual(
      onlyLeg1.map((d) => d.event.id),
      [`axway:${CID}:leg:1`, `axway:${CID}:summary`],
    );
  });

  void test('JMS and file-transfer legs are indexed as legs with their protocol', () => {
    const [jms] = docsOf(normalise(fixture('variants/open-traffic-jms-leg')));
    assert.equal(jms?.event.dataset, 'axway.leg');
    assert.equal(jms?.network?.protocol, 'jms');
    assert.equal(jms?.url?.path, 'queue://vitam.ingest.notifications');
    assert.equal(jms?.event.outcome, 'success');
    assert.equal(jms?.ariane.gateway_group, 'group-2');
    assert.equal(jms?.ariane.gateway_instance, 'instance-1');
    const [ft] = docsOf(normalise(fixture('variants/open-traffic-file-transfer-leg')));
    assert.equal(ft?.network?.protocol, 'ftp');
    assert.equal(ft?.event.outcome, 'success');
    assert.equal(ft?.http?.request?.bytes, 48213);
    assert.equal(ft?.client?.ip, '198.51.100.40');
    assert.equal(ft?.ariane.client_id, 'depot-partner-7');
  });

  void test('an X-CorrelationID carrying two ids behind chained gateways joins both', () => {
    const [doc] = docsOf(normalise(fixture('variants/open-traffic-chained-correlation')));
    assert.deepEqual(doc?.ariane.correlation_ids, [CID, UPSTREAM_CID]);
  });

  void test('traceparent: leg >= 1 sends the gateway span, leg 0 receives the client span', () => {
    const [outbound] = docsOf(normalise(fixture('variants/open-traffic-chained-correlation')));
    assert.equal(outbound?.trace?.id, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(outbound?.span?.id, '00f067aa0ba902b7');
    assert.equal(outbound?.parent, undefined);
    const leg0 = legLine('axway-open-traffic-leg0');
    const info = leg0.transactionElement.protocolInfo;
    info.recvHeader = `${String(info.recvHeader).trimEnd()}\r\nTraceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-a3ce929d0e0e4736-01\r\n\r\n`;
    const [inbound] = docsOf(normalise(leg0));
    assert.equal(inbound?.trace?.id, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(inbound?.parent?.id, 'a3ce929d0e0e4736');
    assert.equal(inbound?.span?.id, `${CID}-0`);
  });

  void test('a UTF-8 byte-order mark and duplicate keys are tolerated', () => {
    const text = JSON.stringify(leg1());
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    assert.equal(docsOf(normalise(withBom)).length, 1);
    const duplicated = Buffer.from(text.replace('{', '{"correlationId":"first",'));
    const [doc] = docsOf(normalise(duplicated));
    assert.equal(doc?.transaction?.id, CID);
  });
});
