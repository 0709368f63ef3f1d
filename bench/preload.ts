import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../core/src/es/index-names.js';
import { DEFAULT_FIELD_MAPPING } from '../ingest/src/formats/field-mapping.js';
import { normaliseRecord } from '../ingest/src/pipeline/normalise-record.js';
import type { IndexableEvent } from '../ingest/src/pipeline/normalised.js';
import type { GeneratorOptionsInput } from './generator/options.js';
import { generateRecords } from './generator/records.js';

/**
 * Fills the daily event indices directly, for query and jobs benchmarks that need millions of
 * stored events without waiting for Kafka and ingest. Records go through ingest's own
 * normaliser, so the documents are exactly what ingest would store; only the transport differs.
 */
export interface PreloadOptions {
  readonly generator: GeneratorOptionsInput;
  readonly indexPrefix: string;
  /** Stop once this many documents were written. */
  readonly events: number;
  /** Clock the normaliser judges timestamps against: the end of the generated span. */
  readonly nowMs: number;
  readonly retentionDays: number;
  readonly bulkDocs: number;
  readonly concurrency: number;
  readonly onProgress?: (written: number) => void;
}

export interface PreloadResult {
  readonly written: number;
  readonly rejected: number;
  readonly failed: number;
  readonly indices: readonly string[];
}

export async function preloadEvents(es: Client, options: PreloadOptions): Promise<PreloadResult> {
  const names = indexNames(options.indexPrefix);
  const indices = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let written = 0;
  let rejected = 0;
  let failed = 0;
  let queued = 0;
  let operations: unknown[] = [];
  let offset = 0;

  const flush = async () => {
    if (operations.length === 0) return;
    const body = operations;
    operations = [];
    const send = es.bulk({ operations: body, refresh: false }).then((response) => {
      for (const item of response.items) {
        const result = item.index ?? item.create;
        // A `create` conflict is a duplicate line already stored: not a failure.
        if (result?.error && result.status !== 409) failed += 1;
        else written += 1;
      }
      options.onProgress?.(written);
    });
    const tracked = send.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  };

  const add = ({ doc, mode }: IndexableEvent) => {
    const index = names.eventsIndexFor(new Date(doc['@timestamp']));
    indices.add(index);
    operations.push({ [mode]: { _index: index, _id: doc.event.id } }, doc);
    queued += 1;
  };

  for (const record of generateRecords(options.generator)) {
    if (queued >= options.events) break;
    const raw = Buffer.from(record.value);
    const result = normaliseRecord(raw, record.topic, 10_000_000, {
      origin: {
        topic: `${options.indexPrefix}.${record.topic}`,
        partition: 0,
        offset: String(offset++),
      },
      raw,
      nowMs: options.nowMs,
      time: {
        retentionDays: options.retentionDays,
        futureToleranceMs: 300_000,
        futureLimitMs: 86_400_000,
      },
      mapping: DEFAULT_FIELD_MAPPING,
    });
    if (result.kind === 'rejected') rejected += 1;
    if (result.kind !== 'events') continue;
    result.events.forEach(add);
    if (operations.length >= options.bulkDocs * 2) await flush();
  }
  await flush();
  await Promise.all(inFlight);
  if (indices.size > 0) await es.indices.refresh({ index: [...indices] });
  return { written, rejected, failed, indices: [...indices].sort() };
}
