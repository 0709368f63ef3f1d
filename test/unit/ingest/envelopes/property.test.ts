import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEAD_LETTER_REASONS } from '../../../../core/src/schemas/dead-letter.js';
import {
  ENVELOPE_KINDS,
  MAX_ENVELOPE_DEPTH,
  type EnvelopeKind,
  type UnwrapResult,
} from '../../../../ingest/src/envelopes/envelope.js';
import { unwrap } from './unwrap-helpers.js';

const TIME = '2026-11-20T10:00:00.031954120Z';

/** Each wrapper puts a text inside one shipper's envelope, as that shipper writes it. */
const WRAPPERS: Record<string, { kind: EnvelopeKind; wrap: (inner: string) => string }> = {
  docker: {
    kind: 'docker',
    wrap: (inner) => JSON.stringify({ log: `${inner}\n`, stream: 'stdout', time: TIME }),
  },
  filebeat: {
    kind: 'filebeat',
    wrap: (inner) =>
      JSON.stringify({
        '@timestamp': '2026-11-20T10:00:00.412Z',
        message: inner,
        agent: { type: 'filebeat' },
        host: { name: 'n1' },
      }),
  },
  fluentBit: {
    kind: 'fluent-bit',
    wrap: (inner) =>
      JSON.stringify({ date: 1795168800.5, log: inner, kubernetes: { pod_name: 'p' } }),
  },
  vector: {
    kind: 'vector',
    wrap: (inner) => JSON.stringify({ message: inner, source_type: 'file', timestamp: TIME }),
  },
  logstash: {
    kind: 'logstash',
    wrap: (inner) =>
      JSON.stringify({ '@version': '1', '@timestamp': TIME, message: inner, host: 'n1' }),
  },
  cri: { kind: 'cri', wrap: (inner) => `${TIME} stdout F ${inner}` },
  syslog: { kind: 'syslog', wrap: (inner) => `<134>1 ${TIME} n1 app 1 - - ${inner}` },
  otlp: {
    kind: 'otlp',
    wrap: (inner) =>
      JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: inner } }] }] }],
      }),
  },
};

const wrapperNames = fc.array(fc.constantFrom(...Object.keys(WRAPPERS)), { maxLength: 5 });

function wrapped(inner: string, names: readonly string[]): string {
  return names.reduceRight((text, name) => WRAPPERS[name]!.wrap(text), inner);
}

function assertWellFormed(result: UnwrapResult): void {
  if (result.kind === 'rejected') {
    assert.ok(DEAD_LETTER_REASONS.includes(result.reason));
    assert.ok(result.issues.length > 0);
    for (const issue of result.issues) {
      assert.equal(typeof issue.path, 'string');
      assert.equal(typeof issue.message, 'string');
    }
    return;
  }
  for (const line of result.lines) {
    assert.ok(line.line !== null && typeof line.line === 'object' && !Array.isArray(line.line));
    assert.ok(line.envelopes.length <= MAX_ENVELOPE_DEPTH);
    for (const kind of line.envelopes) assert.ok(ENVELOPE_KINDS.includes(kind));
    assert.ok(Buffer.isBuffer(line.identity) && line.identity.length > 0);
  }
}

void test('any text: lines or a rejection with a reason, never a throw', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
        fc
          .tuple(fc.jsonValue(), wrapperNames)
          .map(([v, names]) => wrapped(JSON.stringify(v) ?? '', names)),
        fc.tuple(fc.string({ maxLength: 80 }), wrapperNames).map(([s, names]) => wrapped(s, names)),
      ),
      (text) => assertWellFormed(unwrap(text)),
    ),
    { numRuns: 2000 },
  );
});

void test('a line in up to MAX_ENVELOPE_DEPTH envelopes comes out whole, the envelopes listed', () => {
  // Keys that no envelope uses as a marker, so the inner object is a bare line.
  const line = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).map((k) => `k_${k}`),
    fc.jsonValue(),
    {
      maxKeys: 6,
    },
  );
  fc.assert(
    fc.property(line, wrapperNames, (inner, names) => {
      const result = unwrap(wrapped(JSON.stringify(inner), names));
      assertWellFormed(result);
      if (names.length > MAX_ENVELOPE_DEPTH) {
        assert.equal(result.kind, 'rejected');
        return;
      }
      assert.equal(result.kind, 'lines', JSON.stringify(result));
      if (result.kind !== 'lines') return;
      assert.equal(result.lines.length, 1);
      assert.deepEqual(result.lines[0]!.line, JSON.parse(JSON.stringify(inner)));
      assert.deepEqual(
        result.lines[0]!.envelopes,
        names.map((name) => WRAPPERS[name]!.kind),
      );
    }),
    { numRuns: 1000 },
  );
});
