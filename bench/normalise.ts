import { DEFAULT_FIELD_MAPPING } from '../ingest/src/formats/field-mapping.js';
import { normaliseRecord } from '../ingest/src/pipeline/normalise-record.js';
import type { IndexableEvent } from '../ingest/src/pipeline/normalised.js';
import type { TrafficRecord } from './generator/records.js';

/** Ingest's defaults (INGEST_MAX_RECORD_BYTES, INGEST_FUTURE_*), so benches store what it would. */
const MAX_RECORD_BYTES = 1024 * 1024;
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const FUTURE_LIMIT_MS = 86_400_000;

/**
 * One generated record through ingest's own normaliser with ingest's default settings: the
 * documents every bench contender stores are exactly those. Rejected, skipped and expired
 * records yield no event.
 */
export function normaliseForBench(
  record: { readonly topic: TrafficRecord['topic']; readonly value: Buffer },
  origin: { topic: string; partition: number; offset: string },
  nowMs: number,
  retentionDays = 10,
): readonly IndexableEvent[] {
  const raw = record.value;
  const result = normaliseRecord(raw, record.topic, MAX_RECORD_BYTES, {
    origin,
    raw,
    nowMs,
    time: {
      retentionDays,
      futureToleranceMs: FUTURE_TOLERANCE_MS,
      futureLimitMs: FUTURE_LIMIT_MS,
    },
    mapping: DEFAULT_FIELD_MAPPING,
  });
  return result.kind === 'events' ? result.events : [];
}
