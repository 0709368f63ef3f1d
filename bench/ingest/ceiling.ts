import type { Client } from '@elastic/elasticsearch';
import { indexNames } from '../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../core/src/es/setup.js';
import type { BacklogDoc } from './backlog.js';

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

export async function runCeiling(
  es: Client,
  docs: readonly BacklogDoc[],
  indexPrefix: string,
  batchDocs: number,
  concurrency: number,
): Promise<CeilingRun> {
  const names = indexNames(indexPrefix);
  await installEventsTemplate(es, names, indexPrefix, 0);
  const bodies: string[] = [];
  const indices = new Set<string>();
  for (let start = 0; start < docs.length; start += batchDocs) {
    let body = '';
    for (const { id, timestamp, source } of docs.slice(start, start + batchDocs)) {
      const index = names.eventsIndexFor(new Date(timestamp));
      indices.add(index);
      body += `{"index":{"_index":"${index}","_id":${JSON.stringify(id)}}}\n${source}\n`;
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
