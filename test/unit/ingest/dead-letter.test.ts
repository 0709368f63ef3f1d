import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeadLetterRecordSchema } from '../../../core/src/schemas/dead-letter.js';
import { buildDeadLetter } from '../../../ingest/src/pipeline/dead-letter.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import type { SourceRecord } from '../../../ingest/src/source/source-record.js';
import { contextFor } from '../../helpers/ingest.js';

const record = (value: Buffer | null): SourceRecord => ({
  topic: 'ariane.gateway',
  partition: 3,
  offset: '1234567890123',
  value,
});

void describe('dead-letter records', () => {
  void test('carry the code, reason, issues, source and the UTF-8 payload', () => {
    const dead = buildDeadLetter(
      record(Buffer.from('{"a":1}')),
      'schema_mismatch',
      [{ path: 'a', message: 'Invalid input' }],
      1024,
      Date.UTC(2026, 10, 21, 12),
    );
    assert.deepEqual(DeadLetterRecordSchema.parse(dead), {
      code: 'ARIANE_EVENT_INVALID',
      reason: 'schema_mismatch',
      issues: [{ path: 'a', message: 'Invalid input' }],
      source: { topic: 'ariane.gateway', partition: 3, offset: '1234567890123' },
      payload: { encoding: 'utf8', data: '{"a":1}', bytes: 7, truncated: false },
      failed_at: '2026-11-21T12:00:00.000Z',
    });
  });

  void test('invalid UTF-8 is kept as base64', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const dead = buildDeadLetter(record(bytes), 'invalid_utf8', [], 1024, 0);
    assert.equal(dead.payload.encoding, 'base64');
    assert.deepEqual(Buffer.from(dead.payload.data, 'base64'), bytes);
  });

  void test('oversize payloads are truncated and flagged, even through a multi-byte character', () => {
    const big = Buffer.from('é'.repeat(3000));
    const dead = buildDeadLetter(record(big), 'too_large', [], 1001, 0);
    assert.equal(dead.code, 'ARIANE_PAYLOAD_TOO_LARGE');
    assert.equal(dead.payload.truncated, true);
    assert.equal(dead.payload.bytes, 6000);
    assert.equal(dead.payload.encoding, 'utf8');
    assert.equal(dead.payload.data, 'é'.repeat(500));
  });

  void test('credentials in a text payload are redacted', () => {
    const dead = buildDeadLetter(
      record(Buffer.from('{"h":"Authorization: Bearer abcdefghijklmnop"}')),
      'schema_mismatch',
      [],
      1024,
      0,
    );
    assert.ok(!dead.payload.data.includes('abcdefghijklmnop'));
  });

  void test('tombstones have an empty payload', () => {
    const dead = buildDeadLetter(record(null), 'invalid_json', [], 1024, 0);
    assert.deepEqual(dead.payload, { encoding: 'utf8', data: '', bytes: 0, truncated: false });
  });
});

void describe('decoding', () => {
  const reasonOf = (value: Buffer | null, max = 1024) => {
    const result = normaliseRecord(value, 'gateway', max, contextFor(value ?? Buffer.alloc(0)));
    return result.kind === 'rejected' ? result.reason : result.kind;
  };
  void test('each kind of undecodable record has its own reason', () => {
    assert.equal(reasonOf(null), 'invalid_json');
    assert.equal(reasonOf(Buffer.from('not json')), 'invalid_json');
    assert.equal(reasonOf(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 'invalid_utf8');
    assert.equal(reasonOf(Buffer.from('[1,2]')), 'not_an_object');
    assert.equal(reasonOf(Buffer.from('"text"')), 'not_an_object');
    assert.equal(reasonOf(Buffer.alloc(2048, 0x20)), 'too_large');
  });
});
