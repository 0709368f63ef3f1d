import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  correlationIdsIn,
  parseCorrelationHeader,
} from '../../../ingest/src/pipeline/correlation-header.js';
import { firstHeader, parseRawHeaders } from '../../../ingest/src/pipeline/raw-headers.js';

void describe('raw header blocks', () => {
  void test('start line, case-insensitive names, repeated headers, CRLF or LF', () => {
    const headers = parseRawHeaders(
      'GET /a:b?x=1 HTTP/1.1\r\nX-Request-ID: r1\r\nx-request-id: r2\nHost: h:8080\r\n\r\n',
    );
    assert.equal(headers.startLine, 'GET /a:b?x=1 HTTP/1.1');
    assert.deepEqual(headers.get('X-REQUEST-ID'), ['r1', 'r2']);
    assert.deepEqual(headers.get('host'), ['h:8080']);
    assert.deepEqual(headers.get('missing'), []);
  });

  void test('empty or absent blocks have no headers', () => {
    assert.deepEqual(parseRawHeaders(null).get('host'), []);
    assert.equal(parseRawHeaders('').startLine, undefined);
  });

  void test('firstHeader looks in each block in turn and skips empty values', () => {
    const a = parseRawHeaders('HTTP/1.1 200 OK\r\nX-Tenant-Id: \r\n');
    const b = parseRawHeaders('GET / HTTP/1.1\r\nx-tenant-id: 7\r\n');
    assert.equal(firstHeader([a, b], 'X-Tenant-Id'), '7');
    assert.equal(firstHeader([a], 'X-Tenant-Id'), undefined);
  });
});

void describe('X-CorrelationID', () => {
  const A = '5f3d2a6b0c00e4a1b2c3d4e5';
  const B = '0455ff5e0100aa00bb00cc00';
  void test('parses id and leg, chained values, and ignores foreign formats', () => {
    assert.deepEqual(parseCorrelationHeader(`Id-${A} 1`), [{ correlationId: A, leg: 1 }]);
    assert.deepEqual(parseCorrelationHeader(`Id-${A} 0; Id-${B} 2`), [
      { correlationId: A, leg: 0 },
      { correlationId: B, leg: 2 },
    ]);
    assert.deepEqual(parseCorrelationHeader(`Id-${A.toUpperCase()}`), [
      { correlationId: A, leg: undefined },
    ]);
    assert.deepEqual(parseCorrelationHeader('3f2c9a1e-0b7d-4c55-9e1a-2b7f6c8d9e10'), []);
    assert.deepEqual(parseCorrelationHeader(`Id-${A}-x 1`), []);
    assert.deepEqual(parseCorrelationHeader('Id-short 1'), []);
  });

  void test('correlationIdsIn dedupes across values in order', () => {
    assert.deepEqual(correlationIdsIn([`Id-${B} 0`, `Id-${A} 1;Id-${B} 0`]), [B, A]);
  });
});
