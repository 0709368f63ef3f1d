import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../core/src/es/index-names.js';
import { installEventsTemplate } from '../core/src/es/setup.js';
import { DEFAULT_FIELD_MAPPING } from '../ingest/src/formats/field-mapping.js';
import { normaliseRecord } from '../ingest/src/pipeline/normalise-record.js';
import { generateRecords } from './generator/records.js';

/**
 * The raw Elasticsearch `_bulk` ceiling: the documents ingest would store, already normalised
 * and serialised in memory, bulk-indexed straight into fresh daily indices. A batch-size ×
 * concurrency sweep finds the best setting on this machine; that best figure is what every
 * ingest contender is measured against.
 */
export interface CeilingRun {
  readonly batchDocs: number;
  readonly concurrency: number;
  readonly docs: number;
  readonly seconds: number;
  readonly docsPerSecond: number;
}

/** Serialised `_bulk` lines (action + source) of `count` documents from the generator. */
export function bulkLines(count: number, seed: string, startMs: number): string[][] {
  const docs: string[][] = [];
  let offset = 0;
  for (const record of generateRecords({ seed, startMs, requestsPerSecond: 200 })) {
    if (docs.length >= count) break;
    const raw = Buffer.from(record.value);
    const result = normaliseRecord(raw, record.topic, 10_000_000, {
      origin: { topic: record.topic, partition: 0, offset: String(offset++) },
      raw,
      nowMs: startMs + 3_600_000,
      time: { retentionDays: 10, futureToleranceMs: 300_000, futureLimitMs: 86_400_000 },
      mapping: DEFAULT_FIELD_MAPPING,
    });
    if (result.kind !== 'events') continue;
    for (const { doc } of result.events)
      docs.push([
        JSON.stringify({ _id: doc.event.id, day: doc['@timestamp'] }),
        JSON.stringify(doc),
      ]);
  }
  return docs.slice(0, count);
}

export async function runCeiling(
  es: Client,
  docs: readonly string[][],
  indexPrefix: string,
  batchDocs: number,
  concurrency: number,
): Promise<CeilingRun> {
  const names = indexNames(indexPrefix);
  await installEventsTemplate(es, names, indexPrefix);
  const bodies: string[] = [];
  const indices = new Set<string>();
  for (let start = 0; start < docs.length; start += batchDocs) {
    let body = '';
    for (const [meta, source] of docs.slice(start, start + batchDocs)) {
      const { _id, day } = JSON.parse(meta as string) as { _id: string; day: string };
      const index = names.eventsIndexFor(new Date(day));
      indices.add(index);
      body += `{"index":{"_index":"${index}","_id":${JSON.stringify(_id)}}}\n${source}\n`;
    }
    bodies.push(body);
  }
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const response = await es.transport.request<{ errors: boolean }>({
        method: 'POST',
        path: '/_bulk',
        bulkBody: body,
      });
      if (response.errors) throw new Error('bulk reported item errors');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await es.indices.refresh({ index: [...indices] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Concrete names: wildcard deletes are refused by `action.destructive_requires_name`.
  await es.indices.delete({ index: [...indices] });
  await es.indices.deleteIndexTemplate({ name: names.eventsTemplate });
  return {
    batchDocs,
    concurrency,
    docs: docs.length,
    seconds,
    docsPerSecond: docs.length / seconds,
  };
}
