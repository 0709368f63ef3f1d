import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_FIELD_MAPPING,
  firstValue,
  indexFields,
  loadFieldMapping,
} from '../../../ingest/src/formats/field-mapping.js';

void describe('field mapping', () => {
  void test('flat dotted keys, nested keys and any case land on the same lower-case path', () => {
    const fields = indexFields({
      'http.request.id': 'flat',
      Http: { Response: { Status_Code: 200 } },
      mdc: { 'X-Request-Id': 'mdc' },
      list: ['ignored'],
      empty: '',
    });
    assert.equal(fields.get('http.request.id'), 'flat');
    assert.equal(fields.get('http.response.status_code'), 200);
    assert.equal(fields.get('mdc.x-request-id'), 'mdc');
    assert.equal(fields.has('list'), false);
    assert.equal(fields.has('empty'), false);
  });

  void test('the first path of a concept that holds a value wins', () => {
    const fields = indexFields({
      requestId: 'late',
      req: { headers: { 'x-request-id': 'early' } },
    });
    assert.equal(firstValue(fields, DEFAULT_FIELD_MAPPING.requestId), 'early');
  });

  // pino-http's `reqId` is the server's own per-process counter, not the caller's X-Request-Id:
  // reading it would join unrelated requests that happen to share a counter value.
  void test("pino's reqId is never taken for the request id", () => {
    const fields = indexFields({ reqId: 'req-1' });
    assert.equal(firstValue(fields, DEFAULT_FIELD_MAPPING.requestId), undefined);
  });

  void test('huge records are indexed up to a bound', () => {
    const big = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    assert.equal(indexFields(big).size, 2000);
  });

  void test('INGEST_FIELD_MAPPING: bad JSON, unknown concepts and bad paths are refused by name', () => {
    assert.throws(() => loadFieldMapping('{nope'), /not valid JSON/);
    assert.throws(() => loadFieldMapping('{"requestID":["a"]}'), /requestID/);
    assert.throws(() => loadFieldMapping('{"requestId":["a..b"]}'), /requestId\.0/);
    assert.deepEqual(loadFieldMapping('{"requestId":["Ctx.RID"]}').requestId[0], 'ctx.rid');
  });
});
