import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DeadLetterRecordSchema } from '../../../core/src/schemas/dead-letter.js';
import { TraceEventSchema } from '../../../core/src/schemas/trace-event.js';
import { buildDeadLetter } from '../../../ingest/src/pipeline/dead-letter.js';
import type { TopicKind } from '../../../ingest/src/formats/input-format.js';
import {
  normaliseRecord,
  type RecordResult,
} from '../../../ingest/src/pipeline/normalise-record.js';
import type { Normalised } from '../../../ingest/src/pipeline/normalised.js';
import { parseRawHeaders } from '../../../ingest/src/pipeline/raw-headers.js';
import { parseCorrelationHeader } from '../../../ingest/src/pipeline/correlation-header.js';
import {
  SHIPPER_SHAPE_NAMES,
  SHIPPER_SHAPES,
  wrapLine,
  type ShipperShape,
} from '../../../bench/generator/envelopes.js';
import { Random } from '../../../bench/generator/prng.js';
import { contextFor, FIXTURE_START_MS, fixture } from '../../helpers/ingest.js';

// Property-based fuzzing of the ingest's parsers and normalisers, structure-aware: valid
// records of every input format are mutated several times over (fields deleted, retyped,
// replaced by hostile strings, extreme numbers and prototype keys), and the outcome must be
// schema-valid TraceEvents or a rejection with a reason whose dead-letter record is itself
// valid. test/unit/ingest/property.test.ts covers single replacements by arbitrary JSON.
// Mutated records are also shipped in one or two random envelopes (the traffic generator's
// own wrapper), so every shipper shape meets hostile lines and hostile metadata read from them.

const MAX_RECORD_BYTES = 64 * 1024;
const DLQ_MAX_BYTES = 4 * 1024;

const FORMATS: Record<string, TopicKind> = {
  'axway-open-traffic-leg0': 'gateway',
  'axway-open-traffic-leg1': 'gateway',
  'axway-open-traffic-summary': 'gateway',
  'axway-open-traffic-circuit': 'gateway',
  'axway-open-traffic-trace': 'gateway',
  'axway-event-log-transaction': 'gateway',
  'axway-event-log-header': 'gateway',
  'generic-access-log': 'gateway',
  'service-pino': 'services',
  'service-ecs': 'services',
  'service-logback': 'services',
};
const NAMES = Object.keys(FORMATS);
const BASES = new Map(NAMES.map((name) => [name, fixture(name)]));

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202e',
    'null',
    'NaN',
    '-1',
    '1e400',
    '9999-99-99T99:99:99Z',
    '0000-01-01T00:00:00Z',
    '275760-09-13T00:00:00.001Z',
    '*:*',
    '{"script":"x"}',
    '../../etc/passwd',
    'Id-notahexid 0',
    'GET / HTTP/1.1\r\nAuthorization: Bearer x\r\n\r\n',
  ),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'x'.repeat(n)),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(
    null,
    true,
    0,
    -0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    8_640_000_000_000_001,
    [],
    {},
    [null],
    JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', '@timestamp', 'type', 'leg'),
    ),
    value: hostileValue,
  }),
);

/** Applies mutations to a deep copy; slots are re-listed after each one. */
function mutate(base: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  const root: Record<string, unknown> = structuredClone(base);
  for (const change of mutations) {
    const slots: [Record<string, unknown>, string][] = [];
    const containers: Record<string, unknown>[] = [root];
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      containers.push(node as Record<string, unknown>);
      for (const [key, child] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    };
    for (const [key, child] of Object.entries(root)) {
      slots.push([root, key]);
      walk(child);
    }
    if (change.kind === 'add') {
      const objects = containers.filter((node) => !Array.isArray(node));
      const target = objects[change.at % objects.length] ?? root;
      // defineProperty: a plain assignment to `__proto__` would change the prototype instead.
      Object.defineProperty(target, change.key, {
        value: structuredClone(change.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    const slot = slots[change.at % Math.max(slots.length, 1)];
    if (!slot) continue;
    const [parent, key] = slot;
    if (change.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = structuredClone(change.value);
  }
  return root;
}

const mutatedLine = fc
  .tuple(fc.constantFrom(...NAMES), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([name, mutations]) => ({
    kind: FORMATS[name] ?? 'gateway',
    text: JSON.stringify(mutate(BASES.get(name) ?? {}, mutations)) ?? '',
  }));

const mutatedRecord = mutatedLine.map(({ kind, text }) => ({ kind, raw: Buffer.from(text) }));

/**
 * A mutated line shipped in one envelope, or in an envelope inside another, of any shape (a
 * gateway shape on a service line too). `envelopes` is what ingest must at least report,
 * outermost first; it may report more when the mutations made the line look like an envelope.
 */
const envelopedRecord = fc
  .tuple(
    mutatedLine,
    fc.array(fc.constantFrom<ShipperShape>(...SHIPPER_SHAPE_NAMES), { minLength: 1, maxLength: 2 }),
    fc.integer(),
  )
  .map(([{ kind, text }, shapes, seed]) => {
    const random = new Random(seed);
    let value = text;
    // Innermost first: the first shape wraps the line, the next wraps that record.
    for (const shape of shapes)
      value = wrapLine({ topic: kind, value, dueMs: FIXTURE_START_MS }, random, { shape }).value;
    const envelopes = shapes.toReversed().flatMap((shape) => SHIPPER_SHAPES[shape].envelopes);
    return { kind, raw: Buffer.from(value), envelopes };
  });

const anyRecord = fc.oneof(
  { weight: 6, arbitrary: mutatedRecord },
  { weight: 4, arbitrary: envelopedRecord },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom<TopicKind>('gateway', 'services'),
      raw: fc.oneof(
        fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
        fc.string({ unit: 'binary', maxLength: 500 }).map((text) => Buffer.from(text)),
        // Truncated valid records: the tail of a broken producer write.
        fc.tuple(fc.constantFrom(...NAMES), fc.nat()).map(([name, cut]) => {
          const full = Buffer.from(JSON.stringify(BASES.get(name)));
          return full.subarray(0, cut % full.length);
        }),
      ),
    }),
  },
);

/**
 * The contract every outcome must satisfy, whatever the input. `shippedIn`: the envelopes the
 * record was wrapped in, which ingest must name in its reading and in the dead letter, unless
 * the record was refused for its size before anything was opened.
 */
function assertSound(result: RecordResult, raw: Buffer, shippedIn: readonly string[] = []): void {
  if (shippedIn.length > 0 && raw.length <= MAX_RECORD_BYTES)
    assert.deepEqual(result.envelopes.slice(0, shippedIn.length), shippedIn);
  switch (result.kind) {
    case 'events':
      assert.ok(result.events.length > 0);
      for (const { doc, precedence } of result.events) {
        TraceEventSchema.parse(doc);
        assert.ok(precedence === 'preferred' || precedence === 'fallback');
        assert.ok(doc.event.id.length > 0 && doc.event.id.length <= 512, doc.event.id);
        assert.ok(Number.isFinite(Date.parse(doc['@timestamp'])));
        if (result.envelopes.length > 0) assert.ok(doc.ariane.envelopes?.length);
      }
      break;
    case 'rejected': {
      assert.ok(result.reason.length > 0);
      const letter = DeadLetterRecordSchema.parse(
        buildDeadLetter(
          { topic: 'ariane.gateway', partition: 0, offset: '7', value: raw },
          result.reason,
          result.issues,
          DLQ_MAX_BYTES,
          Date.UTC(2026, 10, 20),
          result.envelopes,
        ),
      );
      assert.deepEqual(letter.envelopes ?? [], result.envelopes);
      assert.equal(letter.payload.bytes, raw.length);
      assert.equal(letter.payload.truncated, raw.length > DLQ_MAX_BYTES);
      assert.ok(Buffer.byteLength(letter.payload.data) <= Math.ceil((DLQ_MAX_BYTES * 4) / 3) + 4);
      break;
    }
    case 'skipped':
      assert.ok(result.reason.length > 0);
      break;
    case 'expired':
      assert.ok(result.count > 0);
      break;
  }
}

void describe('ingest input fuzzing', () => {
  void test('mutated records of every format, arbitrary bytes and truncated records: valid events or a reason; never throws', () => {
    const outcomes = new Map<Normalised['kind'], number>();
    fc.assert(
      fc.property(anyRecord, (record) => {
        const { kind, raw } = record;
        const result = normaliseRecord(raw, kind, MAX_RECORD_BYTES, contextFor(raw));
        outcomes.set(result.kind, (outcomes.get(result.kind) ?? 0) + 1);
        assertSound(result, raw, 'envelopes' in record ? record.envelopes : []);
      }),
      { numRuns: 2_500 },
    );
    // The mutations must leave many records valid, or the event path goes untested.
    assert.ok((outcomes.get('events') ?? 0) > 250, JSON.stringify([...outcomes]));
    assert.ok((outcomes.get('rejected') ?? 0) > 250, JSON.stringify([...outcomes]));
  });

  void test('mutated lines in envelopes: valid events or a reason, and a dead letter that names the envelopes', () => {
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    fc.assert(
      fc.property(envelopedRecord, ({ kind, raw, envelopes }) => {
        const result = normaliseRecord(raw, kind, MAX_RECORD_BYTES, contextFor(raw));
        count(result.kind);
        if (result.kind === 'rejected' && result.envelopes.length > 0) count('named');
        assertSound(result, raw, envelopes);
      }),
      { numRuns: 1_500 },
    );
    // Both paths must be exercised through the envelopes, not just one of them.
    assert.ok((outcomes.get('events') ?? 0) > 150, JSON.stringify([...outcomes]));
    assert.ok((outcomes.get('named') ?? 0) > 150, JSON.stringify([...outcomes]));
  });

  void test('normalisation is deterministic: the same bytes give the same documents and ids (replays overwrite)', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedRecord, envelopedRecord), ({ kind, raw }) => {
        const first = normaliseRecord(raw, kind, MAX_RECORD_BYTES, contextFor(raw));
        const second = normaliseRecord(Buffer.from(raw), kind, MAX_RECORD_BYTES, contextFor(raw));
        // Compared as written to Elasticsearch and Kafka: serialised.
        assert.equal(JSON.stringify(second), JSON.stringify(first));
      }),
      { numRuns: 500 },
    );
  });

  void test('prototype keys in input never pollute shared prototypes', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedRecord, envelopedRecord), ({ kind, raw }) => {
        normaliseRecord(raw, kind, MAX_RECORD_BYTES, contextFor(raw));
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
      }),
      { numRuns: 500 },
    );
  });

  void test('credentials inserted into headers, URLs and messages never reach a document or a dead letter', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/);
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('leg0', 'pino', 'ecs', 'access'),
        fc.boolean(),
        fc.option(fc.constantFrom<ShipperShape>(...SHIPPER_SHAPE_NAMES)),
        (value, where, breakIt, shape) => {
          const jwt = `eyJhbGciOiJIUzI1NiJ9.${value}.${value}`;
          let record: Record<string, unknown>;
          let kind: TopicKind = 'gateway';
          if (where === 'leg0') {
            record = structuredClone(BASES.get('axway-open-traffic-leg0') ?? {});
            const element = record.transactionElement as {
              protocolInfo: { http: { uri: string }; recvHeader: string };
            };
            element.protocolInfo.http.uri = `/v1/units?access_token=${value}&x=1`;
            element.protocolInfo.recvHeader = element.protocolInfo.recvHeader
              .replace('fakeJwtHeader.fakePayload.fakeSignature', jwt)
              .replace('SESSION=abc123def456', `SESSION=${value}`);
          } else if (where === 'access') {
            record = structuredClone(BASES.get('generic-access-log') ?? {});
            record.query = `$limit=10&api_key=${value}`;
            record.path = `/v1/units?token=${value}`;
          } else {
            kind = 'services';
            record = structuredClone(
              BASES.get(where === 'pino' ? 'service-pino' : 'service-ecs') ?? {},
            );
            record.message = `calling upstream with Authorization: Bearer ${jwt}`;
            record.msg = `calling upstream with Authorization: Bearer ${jwt}`;
          }
          // Half the time the record is also broken, so it goes to the dead-letter path.
          if (breakIt) record['@timestamp'] = { broken: true };
          // Shipped too, some of the time: envelopes hold the line again (Logstash's
          // event.original) or escaped once more (nested), and none of it may leak either.
          const line = JSON.stringify(record);
          const raw = Buffer.from(
            shape === null
              ? line
              : wrapLine({ topic: kind, value: line, dueMs: FIXTURE_START_MS }, new Random(value), {
                  shape,
                }).value,
          );
          const result = normaliseRecord(raw, kind, MAX_RECORD_BYTES, contextFor(raw));
          const stored =
            result.kind === 'rejected'
              ? JSON.stringify(
                  buildDeadLetter(
                    { topic: 't', partition: 0, offset: '0', value: raw },
                    result.reason,
                    result.issues,
                    MAX_RECORD_BYTES,
                    0,
                    result.envelopes,
                  ),
                )
              : JSON.stringify(result);
          assert.ok(
            !stored.includes(value),
            `${where}: the credential survived in ${stored.slice(0, 400)}`,
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  void test('raw header blocks and X-CorrelationID values of any shape parse without throwing', () => {
    const block = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(
          fc.tuple(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 60 })),
          { maxLength: 20 },
        )
        .map(
          (lines) =>
            `GET / HTTP/1.1\r\n${lines.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`,
        ),
    );
    fc.assert(
      fc.property(block, fc.string({ unit: 'binary', maxLength: 200 }), (headers, correlation) => {
        const parsed = parseRawHeaders(headers);
        assert.equal(typeof parsed, 'object');
        for (const ref of parseCorrelationHeader(correlation)) assert.equal(typeof ref, 'object');
      }),
      { numRuns: 2_000 },
    );
  });
});
