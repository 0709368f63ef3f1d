import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  redactHeaderBlock,
  redactQuery,
  redactText,
  redactUrl,
} from '../../../ingest/src/pipeline/redact.js';

void describe('redaction', () => {
  void test('secret headers lose their value, keep their name and the line endings', () => {
    const block =
      'POST /token?client_secret=s3cr3t HTTP/1.1\r\nauthorization: Basic dXNlcjpwYXNz\r\nPROXY-AUTHORIZATION: x\r\nCookie: a=b\r\nX-API-Key: k\r\nX-Custom-Token: t\r\nAccept: */*\r\n\r\n';
    const { value, redacted } = redactHeaderBlock(block);
    assert.equal(redacted, true);
    assert.equal(
      value,
      'POST /token?client_secret=[REDACTED] HTTP/1.1\r\nauthorization: [REDACTED]\r\nPROXY-AUTHORIZATION: [REDACTED]\r\nCookie: [REDACTED]\r\nX-API-Key: [REDACTED]\r\nX-Custom-Token: [REDACTED]\r\nAccept: */*\r\n\r\n',
    );
  });

  void test('a block without secrets comes back unchanged', () => {
    const block = 'HTTP/1.1 200 OK\nContent-Type: text/plain\n';
    assert.deepEqual(redactHeaderBlock(block), { value: block, redacted: false });
  });

  void test('query parameters: token-like names, case-insensitive, percent-encoded names', () => {
    const table: Array<[string, string]> = [
      ['a=1&access_token=x&b=2', 'a=1&access_token=[REDACTED]&b=2'],
      ['API_KEY=x', 'API_KEY=[REDACTED]'],
      ['id_token=x&code=y&password=z', 'id_token=[REDACTED]&code=[REDACTED]&password=[REDACTED]'],
      ['api%5Fkey=x', 'api%5Fkey=[REDACTED]'],
      ['$limit=100&$offset=0', '$limit=100&$offset=0'],
      ['flag&key=', 'flag&key=[REDACTED]'],
    ];
    for (const [input, expected] of table) assert.equal(redactQuery(input).value, expected, input);
  });

  void test('URLs keep their path and fragment', () => {
    assert.equal(redactUrl('/a/b?token=x#frag').value, '/a/b?token=[REDACTED]#frag');
    assert.deepEqual(redactUrl('/a/b'), { value: '/a/b', redacted: false });
  });

  void test('free text: bearer tokens, JWTs and password-like pairs', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcDEF123_-x';
    assert.equal(
      redactText(`got Bearer abcdefgh12345678 and ${jwt}, password=hunter22 ok`).value,
      'got Bearer [REDACTED] and [REDACTED], password=[REDACTED] ok',
    );
    assert.equal(redactText('{"api_key": "abc"}').value, '{"api_key": "[REDACTED]"}');
    assert.deepEqual(redactText('nothing to hide'), { value: 'nothing to hide', redacted: false });
  });
});
