import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCriLine } from '../../../../ingest/src/envelopes/cri.js';
import { parseSyslogLine } from '../../../../ingest/src/envelopes/syslog.js';
import { rfc3339Ms } from '../../../../ingest/src/envelopes/time.js';
import { fixture, FIXTURE_START_MS } from '../../../helpers/ingest.js';
import { onlyLine, rejection, unwrap } from './unwrap-helpers.js';

const PINO_TEXT = JSON.stringify(fixture('service-pino'));

void describe('syslog forms', () => {
  const forms: Array<[string, string, object]> = [
    [
      'RFC 5424 without PRI (omkafka template)',
      `1 2026-11-20T10:00:00.031Z app-node-3 vitam-access 4121 - - ${PINO_TEXT}`,
      { shippedAtMs: FIXTURE_START_MS + 31, hostName: 'app-node-3', appName: 'vitam-access' },
    ],
    [
      'RFC 5424 with nil host and a BOM before the message',
      `<14>1 2026-11-20T11:00:00.031+01:00 - vitam-access - - - \uFEFF${PINO_TEXT}`,
      { shippedAtMs: FIXTURE_START_MS + 31, appName: 'vitam-access' },
    ],
    [
      'RFC 5424 with escapes in structured data',
      `<14>1 2026-11-20T10:00:00Z h a - ID7 [x@32473 note="a \\"quoted\\" \\] end" filename="/l/a.log"] ${PINO_TEXT}`,
      { shippedAtMs: FIXTURE_START_MS, hostName: 'h', appName: 'a', filePath: '/l/a.log' },
    ],
    [
      'RFC 3164 without PRI, space-padded day',
      `Nov  2 10:00:00 app-node-3 vitam-access: ${PINO_TEXT}`,
      { hostName: 'app-node-3', appName: 'vitam-access' },
    ],
    [
      "rsyslog's RFC 3339 traditional form",
      `2026-11-20T10:00:00.031+00:00 app-node-3 vitam-access[4121]: ${PINO_TEXT}`,
      { shippedAtMs: FIXTURE_START_MS + 31, hostName: 'app-node-3', appName: 'vitam-access' },
    ],
  ];
  for (const [name, text, facts] of forms) {
    void test(name, () => {
      const got = onlyLine(unwrap(text));
      assert.deepEqual(got.line, fixture('service-pino'));
      assert.deepEqual(got.envelopes, ['syslog']);
      assert.deepEqual(got.facts, facts);
    });
  }

  void test('a plain-text syslog message is a line of its own', () => {
    const { line, envelopes } = onlyLine(
      unwrap('<30>1 2026-11-20T10:00:00Z gw-node-a sshd 77 - - session opened'),
    );
    assert.deepEqual(envelopes, ['syslog']);
    assert.deepEqual(line, { '@timestamp': '2026-11-20T10:00:00.000Z', message: 'session opened' });
  });

  void test('prose is not syslog', () => {
    for (const text of [
      '1 apple fell',
      'Nov is a month',
      '<999>1 2026-11-20T10:00:00Z h a - - - x',
      '<14>1 2026-11-20T10:00:00Z h a - - [unterminated x',
      'Nov 20 10:00:00 host no colon here',
    ])
      assert.equal(parseSyslogLine(text), undefined, text);
  });
});

void describe('CRI lines', () => {
  void test('tags with extra `:`-separated fields and empty content', () => {
    assert.equal(
      parseCriLine('2026-11-20T10:00:00.000000001Z stderr F:x {"a":1}')?.content,
      '{"a":1}',
    );
    assert.equal(parseCriLine('2026-11-20T10:00:00.000000001Z stdout F')?.content, '');
  });

  void test('near misses are not CRI', () => {
    for (const text of [
      '2026-11-20T10:00:00Z stdin F x',
      '2026-11-20T10:00:00Z stdout X x',
      '2026-11-20 T10:00:00Z stdout F x',
      '2026-13-20T10:00:00Z stdout F x',
    ])
      assert.equal(parseCriLine(text), undefined, text);
  });

  void test('parts of two streams interleaved are joined per stream', () => {
    const text = [
      '2026-11-20T10:00:00.1Z stdout P {"out":',
      '2026-11-20T10:00:00.2Z stderr P {"err":',
      '2026-11-20T10:00:00.3Z stderr F 2}',
      '2026-11-20T10:00:00.4Z stdout F 1}',
    ].join('\n');
    const result = unwrap(text);
    assert.equal(result.kind, 'lines');
    assert.deepEqual(
      result.kind === 'lines' ? result.lines.map((l) => [l.line, l.facts.stream]) : [],
      [
        [{ err: 2 }, 'stderr'],
        [{ out: 1 }, 'stdout'],
      ],
    );
  });
});

void describe('envelopes inside envelopes', () => {
  void test('Fluent Bit tail without a parser: a CRI line in `log`', () => {
    const record = {
      log: `2026-11-20T10:00:00.031Z stdout F ${PINO_TEXT}`,
      kubernetes: { pod_name: 'vitam-access-7f9c', namespace_name: 'vitam' },
    };
    const { line, envelopes, facts } = onlyLine(unwrap(JSON.stringify(record)));
    assert.deepEqual(line, fixture('service-pino'));
    assert.deepEqual(envelopes, ['fluent-bit', 'cri']);
    assert.equal(facts.stream, 'stdout');
    assert.equal(facts.kubernetes?.podName, 'vitam-access-7f9c');
  });

  void test('Filebeat shipping a syslog file: the syslog line in `message`', () => {
    const record = {
      '@timestamp': '2026-11-20T10:00:01.000Z',
      message: `Nov 20 10:00:00 app-node-3 vitam-access[4121]: ${PINO_TEXT}`,
      log: { file: { path: '/var/log/messages' } },
      host: { name: 'collector-1' },
    };
    const { line, envelopes, facts } = onlyLine(unwrap(JSON.stringify(record)));
    assert.deepEqual(line, fixture('service-pino'));
    assert.deepEqual(envelopes, ['filebeat', 'syslog']);
    // The syslog HOSTNAME is where the line was written; the file stays Filebeat's.
    assert.equal(facts.hostName, 'app-node-3');
    assert.equal(facts.filePath, '/var/log/messages');
    assert.equal(facts.shippedAtMs, FIXTURE_START_MS + 1000);
  });

  void test('an OTLP body holding a Docker json-file record', () => {
    const body = JSON.stringify({
      log: `${PINO_TEXT}\n`,
      stream: 'stdout',
      time: '2026-11-20T10:00:00Z',
    });
    const record = {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: body } }] }] }],
    };
    const { line, envelopes } = onlyLine(unwrap(JSON.stringify(record)));
    assert.deepEqual(line, fixture('service-pino'));
    assert.deepEqual(envelopes, ['otlp', 'docker']);
  });

  void test('a partial line inside Fluent Bit is rejected with both envelopes', () => {
    const record = { log: '2026-11-20T10:00:00Z stdout P {"a":', kubernetes: { pod_name: 'p' } };
    assert.deepEqual(rejection(unwrap(JSON.stringify(record))).envelopes, ['fluent-bit', 'cri']);
  });
});

void test('RFC 3339 times: nanoseconds, offsets, and what is not one', () => {
  assert.equal(rfc3339Ms('2026-11-20T10:00:00.031954120Z'), FIXTURE_START_MS + 31);
  assert.equal(rfc3339Ms('2026-11-20T11:00:00.5+01:00'), FIXTURE_START_MS + 500);
  assert.equal(rfc3339Ms('2026-11-20 10:00:00Z'), FIXTURE_START_MS);
  for (const s of [
    '2026-11-20T10:00:00',
    '2026-11-20T25:00:00Z',
    '2026-11-20T10:00:00.Z',
    'x'.repeat(25),
  ])
    assert.equal(rfc3339Ms(s), undefined, s);
});
