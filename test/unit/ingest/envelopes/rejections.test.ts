import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_ENVELOPE_DEPTH } from '../../../../ingest/src/envelopes/envelope.js';
import { MAX_LINES_PER_RECORD } from '../../../../ingest/src/envelopes/unwrap.js';
import { envelopeFixture, linesOf, onlyLine, rejection, unwrap } from './unwrap-helpers.js';

void describe('records that hold no log line', () => {
  const cases: Array<[string, string, string, string]> = [
    ['empty', '', 'invalid_json', 'empty record'],
    ['blank', ' \n\t ', 'invalid_json', 'empty record'],
    ['binary-ish', '\u0000\u0001\u0002PK\u0003\u0004', 'invalid_json', 'not valid JSON'],
    ['plain text, no envelope', 'Starting server', 'invalid_json', 'not valid JSON'],
    ['broken JSON', '{"level":30,', 'invalid_json', 'not valid JSON'],
    ['a number', '42', 'not_an_object', 'expected a JSON object, found a number'],
    ['a string', '"hello"', 'not_an_object', 'expected a JSON object, found a string'],
    ['null', 'null', 'not_an_object', 'expected a JSON object, found null'],
    ['a boolean', 'true', 'not_an_object', 'expected a JSON object, found a boolean'],
    [
      'an array of lines',
      '[{"msg":"a"}]',
      'not_an_object',
      'expected a JSON object, found an array',
    ],
  ];
  for (const [name, text, reason, message] of cases) {
    void test(name, () => {
      const result = rejection(unwrap(text));
      assert.equal(result.reason, reason);
      assert.deepEqual(result.issues, [{ path: '(root)', message }]);
      assert.deepEqual(result.envelopes, []);
    });
  }

  void test('issues name the line, never its content', () => {
    const secret = 'password=hunter2-8c1e0f4a';
    const result = rejection(unwrap(`{"msg":"ok"}\n${secret}\n`));
    assert.equal(result.reason, 'invalid_json');
    assert.deepEqual(result.issues, [{ path: 'line 2', message: 'not valid JSON' }]);
    assert.ok(!JSON.stringify(result).includes('hunter2'));
  });

  void test('a rejection lists the envelopes recognised before it', () => {
    const lonePart = '2026-11-20T10:00:00.000000000Z stdout P {"level":30,';
    const docker = JSON.stringify({
      log: lonePart,
      stream: 'stdout',
      time: '2026-11-20T10:00:00Z',
    });
    const result = rejection(unwrap(docker));
    assert.equal(result.reason, 'partial_line');
    assert.deepEqual(result.envelopes, ['docker', 'cri']);
  });

  void test('a CRI part left open at the end of a record, after complete lines', () => {
    const text =
      envelopeFixture('cri-full.txt').toString() +
      envelopeFixture('cri-lone-partial.txt').toString();
    const result = rejection(unwrap(text));
    assert.equal(result.reason, 'partial_line');
    assert.equal(result.issues[0]!.path, 'line 2');
  });
});

void describe('limits', () => {
  const docker = (inner: string) =>
    JSON.stringify({ log: `${inner}\n`, stream: 'stdout', time: '2026-11-20T10:00:00Z' });
  const nested = (depth: number) => {
    let text = '{"msg":"deep"}';
    for (let i = 0; i < depth; i++) text = docker(text);
    return text;
  };

  void test(`envelopes nested ${MAX_ENVELOPE_DEPTH} deep are opened`, () => {
    const { line, envelopes } = onlyLine(unwrap(nested(MAX_ENVELOPE_DEPTH)));
    assert.deepEqual(line, { msg: 'deep' });
    assert.equal(envelopes.length, MAX_ENVELOPE_DEPTH);
  });

  void test('one level deeper is rejected, not opened without end', () => {
    const result = rejection(unwrap(nested(MAX_ENVELOPE_DEPTH + 1)));
    assert.equal(result.reason, 'schema_mismatch');
    assert.match(result.issues[0]!.message, /nested more than 3 deep/);
    assert.equal(result.envelopes.length, MAX_ENVELOPE_DEPTH + 1);
  });

  void test(`at most ${MAX_LINES_PER_RECORD} lines per record`, () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `{"n":${i}}`).join('\n');
    assert.equal(linesOf(unwrap(lines(MAX_LINES_PER_RECORD))).length, MAX_LINES_PER_RECORD);
    const result = rejection(unwrap(lines(MAX_LINES_PER_RECORD + 1)));
    assert.equal(result.reason, 'too_large');
  });

  void test('an OTLP export beyond the cap is rejected as a whole', () => {
    const logRecords = Array.from({ length: MAX_LINES_PER_RECORD + 1 }, () => ({
      body: { stringValue: 'x' },
    }));
    const result = rejection(
      unwrap(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] })),
    );
    assert.equal(result.reason, 'too_large');
    assert.deepEqual(result.envelopes, ['otlp']);
  });
});
