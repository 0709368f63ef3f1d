import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TraceEventSchema } from '../../../core/src/schemas/trace-event.js';
import { normaliseRecord } from '../../../ingest/src/pipeline/normalise-record.js';
import { contextFor, fixture } from '../../helpers/ingest.js';

const FIXTURES = [
  'axway-open-traffic-leg0',
  'axway-open-traffic-leg1',
  'axway-open-traffic-summary',
  'axway-open-traffic-circuit',
  'axway-event-log-transaction',
  'generic-access-log',
  'service-pino',
  'service-ecs',
  'service-logback',
].map(fixture);

/** A fixture with one field, at any depth, replaced by an arbitrary JSON value. */
const mutatedFixture = fc
  .tuple(fc.constantFrom(...FIXTURES), fc.nat(), fc.jsonValue())
  .map(([base, pick, replacement]) => {
    const copy = structuredClone(base);
    const slots: Array<[Record<string, unknown>, string]> = [];
    const walk = (node: unknown) => {
      if (node && typeof node === 'object')
        for (const [key, child] of Object.entries(node)) {
          slots.push([node as Record<string, unknown>, key]);
          walk(child);
        }
    };
    walk(copy);
    const [parent, key] = slots[pick % slots.length]!;
    parent[key] = replacement;
    return Buffer.from(JSON.stringify(copy));
  });

const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  mutatedFixture,
);

void test('any input is normalised into valid documents, skipped, expired, or rejected with a reason; never throws', () => {
  fc.assert(
    fc.property(anyBytes, fc.constantFrom('gateway' as const, 'services' as const), (raw, kind) => {
      const result = normaliseRecord(raw, kind, 64 * 1024, contextFor(raw));
      if (result.kind === 'events') {
        assert.ok(result.events.length > 0);
        for (const { doc } of result.events) TraceEventSchema.parse(doc);
      } else if (result.kind === 'rejected') {
        assert.ok(result.reason.length > 0);
        assert.notEqual(result.issues[0]?.message, 'could not be normalised');
      }
    }),
    { numRuns: 1500 },
  );
});
