import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { UnwrappedLine, UnwrapResult } from '../../../../ingest/src/envelopes/envelope.js';
import { unwrapRecord } from '../../../../ingest/src/envelopes/unwrap.js';

const FIXTURES = new URL('../../../fixtures/ingest/envelopes/', import.meta.url);
const INGEST_FIXTURES = new URL('../../../fixtures/ingest/', import.meta.url);

/** An envelope fixture's bytes, as the record would arrive from Kafka. */
export function envelopeFixture(file: string): Buffer {
  return readFileSync(new URL(file, FIXTURES));
}

/** An ingest fixture (a bare line) as one compact JSON line, the way a service writes it. */
export function bareLine(name: string): Buffer {
  const parsed = JSON.parse(
    readFileSync(new URL(`${name}.json`, INGEST_FIXTURES), 'utf8'),
  ) as unknown;
  return Buffer.from(JSON.stringify(parsed));
}

export function unwrap(record: Buffer | string): UnwrapResult {
  const raw = typeof record === 'string' ? Buffer.from(record) : record;
  return unwrapRecord(raw.toString('utf8'), raw);
}

export function linesOf(result: UnwrapResult): readonly UnwrappedLine[] {
  assert.equal(result.kind, 'lines', JSON.stringify(result));
  assert.ok(result.kind === 'lines');
  return result.lines;
}

export function onlyLine(result: UnwrapResult): UnwrappedLine {
  const lines = linesOf(result);
  assert.equal(lines.length, 1);
  return lines[0]!;
}

export function rejection(result: UnwrapResult): Extract<UnwrapResult, { kind: 'rejected' }> {
  assert.equal(result.kind, 'rejected', JSON.stringify(result));
  assert.ok(result.kind === 'rejected');
  return result;
}
