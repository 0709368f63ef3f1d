import type { Client } from '@elastic/elasticsearch';
import { eventsIndicesBetween, indexNames, type IndexNames } from '../core/src/es/index-names.js';
import { installEventsTemplate } from '../core/src/es/setup.js';
import type { GeneratorOptionsInput } from './generator/options.js';
import { generateRecords } from './generator/records.js';
import { normaliseForBench } from './normalise.js';

/**
 * Fills the daily event indices directly, for query and jobs benchmarks that need millions of
 * stored events without waiting for Kafka and ingest.
 *
 * Running every event through the normaliser costs about as much CPU as Elasticsearch spends
 * indexing it, so only a pool of generated traffic goes through ingest's normaliser (the
 * documents are exactly what ingest stores); the data set is then stamped out of that pool as
 * `_bulk` NDJSON: copy `k` of a document gets every id it carries (request, session,
 * transaction/correlation, span-bearing event ids) suffixed with `.k`, in every field and header
 * where it appears, and its ISO timestamps shifted so the copies spread evenly over the days.
 * Requests, sessions and correlations stay as consistent as in the pool; what is lost is
 * variety (a copy's paths, statuses and services repeat the pool's).
 */
export interface PreloadOptions {
  readonly indexPrefix: string;
  readonly seed: string;
  readonly events: number;
  readonly days: number;
  /** End of the data set: the newest copy ends here. */
  readonly nowMs: number;
  /** Documents normalised for real, then copied. */
  readonly poolDocs: number;
  readonly bulkDocs: number;
  readonly concurrency: number;
  /** Stop queuing new documents after this long (what was queued is still written). */
  readonly maxSeconds?: number;
  /** Generator settings beyond seed and start (fewer tenants or applications, say). */
  readonly generator?: Partial<GeneratorOptionsInput>;
  readonly onProgress?: (written: number) => void;
}

export interface PoolDoc {
  readonly eventId: string;
  readonly timestampMs: number;
  readonly source: string;
  /** Id values to suffix in a copy, longest first so that one containing another stays unique. */
  readonly ids: readonly string[];
  readonly requestId?: string;
  readonly sessionId?: string;
  readonly tenant?: string;
}

export interface Pool {
  readonly docs: readonly PoolDoc[];
  readonly spanMs: number;
  readonly copies: number;
  /** Time shift of copy `k`. */
  shiftOf(copy: number): number;
}

const DAY_MS = 86_400_000;
const ISO = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"/g;

/** The normalised pool and the copy layout for `events` documents over `days` days. */
export function buildPool(options: Omit<PreloadOptions, 'bulkDocs' | 'concurrency'>): Pool {
  const startMs = options.nowMs - options.days * DAY_MS;
  const byId = new Map<string, PoolDoc>();
  let offset = 0;
  // Bare lines unless asked: the stored pool, and so the query benches' data, stays as before.
  const generator = { envelopeShare: 0, ...options.generator, seed: options.seed, startMs };
  for (const record of generateRecords(generator)) {
    if (byId.size >= options.poolDocs) break;
    const origin = {
      topic: `${options.indexPrefix}.${record.topic}`,
      partition: 0,
      offset: String(offset++),
    };
    for (const { doc } of normaliseForBench(
      { topic: record.topic, value: Buffer.from(record.value) },
      origin,
      options.nowMs,
      options.days + 1,
    )) {
      const ids = [
        doc.event.id,
        doc.http?.request?.id,
        doc.transaction?.id,
        doc.span?.id,
        doc.ariane.session_id,
        ...(doc.ariane.correlation_ids ?? []),
      ].filter((id): id is string => id !== undefined && id.length >= 8);
      byId.set(doc.event.id, {
        eventId: doc.event.id,
        timestampMs: Date.parse(doc['@timestamp']),
        source: JSON.stringify(doc),
        ids: [...new Set(ids)].sort((a, b) => b.length - a.length),
        ...(doc.http?.request?.id !== undefined && { requestId: doc.http.request.id }),
        ...(doc.ariane.session_id !== undefined && { sessionId: doc.ariane.session_id }),
        ...(doc.organization?.id !== undefined && { tenant: doc.organization.id }),
      });
    }
  }
  const docs = [...byId.values()];
  const first = Math.min(...docs.map((d) => d.timestampMs));
  const spanMs = Math.max(...docs.map((d) => d.timestampMs)) - first;
  const copies = Math.max(1, Math.ceil(options.events / docs.length));
  const step = copies === 1 ? 0 : (options.days * DAY_MS - spanMs - 60_000) / (copies - 1);
  return { docs, spanMs, copies, shiftOf: (copy) => startMs - first + Math.floor(copy * step) };
}

/** The suffix copy `k` gives to every id; valid in X-Request-Id and X-Application-Id. */
export const copySuffix = (copy: number) => `.${copy.toString(36)}`;

/** One `_bulk` action and source line pair of copy `copy` of `doc`. */
export function stampDoc(doc: PoolDoc, copy: number, shiftMs: number, names: IndexNames) {
  let source = doc.source;
  const suffix = copySuffix(copy);
  for (const id of doc.ids) source = source.replaceAll(id, `${id}${suffix}`);
  source = source.replace(
    ISO,
    (_, iso: string) => `"${new Date(Date.parse(iso) + shiftMs).toISOString()}"`,
  );
  const index = names.eventsIndexFor(new Date(doc.timestampMs + shiftMs));
  let id = doc.eventId;
  for (const value of doc.ids) id = id.replaceAll(value, `${value}${suffix}`);
  return {
    index,
    line: `{"index":{"_index":"${index}","_id":${JSON.stringify(id)}}}\n${source}\n`,
  };
}

export interface PreloadResult {
  readonly written: number;
  readonly failed: number;
  readonly indices: readonly string[];
  readonly pool: Pool;
}

/**
 * Writes the stamped data set. Every daily index is created up front with refresh disabled
 * (the template already has no replica), then set back to the template's 1 s and refreshed.
 */
export async function preloadEvents(es: Client, options: PreloadOptions): Promise<PreloadResult> {
  const names = indexNames(options.indexPrefix);
  await installEventsTemplate(es, names, options.indexPrefix, 0);
  const pool = buildPool(options);
  const indices = new Set(
    eventsIndicesBetween(
      names,
      new Date(options.nowMs - options.days * DAY_MS),
      new Date(options.nowMs),
    ),
  );
  for (const index of indices)
    await es.indices.create({ index, settings: { refresh_interval: '-1' } }, { ignore: [400] });

  const inFlight = new Set<Promise<void>>();
  let written = 0;
  let failed = 0;
  let body = '';
  let docsInBody = 0;
  const send = async () => {
    const request = es.transport
      .request<{ errors: boolean; items: Record<string, { status: number }>[] }>({
        method: 'POST',
        path: '/_bulk',
        bulkBody: body,
      })
      .then((response) => {
        for (const item of response.items) {
          if ((Object.values(item)[0]?.status ?? 500) < 300) written += 1;
          else failed += 1;
        }
        options.onProgress?.(written);
      });
    body = '';
    docsInBody = 0;
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  };
  let queued = 0;
  const deadline = Date.now() + (options.maxSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  outer: for (let copy = 0; copy < pool.copies; copy += 1) {
    const shift = pool.shiftOf(copy);
    for (const doc of pool.docs) {
      if (queued >= options.events || (docsInBody === 0 && Date.now() > deadline)) break outer;
      const { index, line } = stampDoc(doc, copy, shift, names);
      indices.add(index);
      body += line;
      docsInBody += 1;
      queued += 1;
      if (docsInBody >= options.bulkDocs) await send();
    }
  }
  if (docsInBody > 0) await send();
  await Promise.all(inFlight);
  const existing = [...indices];
  await es.indices.putSettings({ index: existing, settings: { refresh_interval: '1s' } });
  await es.indices.refresh({ index: existing });
  return { written, failed, indices: existing.sort(), pool };
}

/** `preloadEvents` with the bench's defaults and a progress line every 10 s. */
export async function preload(
  es: Client,
  settings: Pick<PreloadOptions, 'indexPrefix' | 'seed' | 'events' | 'days' | 'concurrency'> &
    Partial<Pick<PreloadOptions, 'nowMs' | 'poolDocs' | 'bulkDocs' | 'generator' | 'maxSeconds'>>,
): Promise<PreloadResult & { seconds: number }> {
  const started = Date.now();
  let lastReport = started;
  const result = await preloadEvents(es, {
    nowMs: Date.now(),
    poolDocs: Math.min(settings.events, 20_000),
    bulkDocs: 5_000,
    ...settings,
    onProgress: (written) => {
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      console.log(
        `[preload] ${written} documents, ${((written * 1000) / (lastReport - started)).toFixed(0)} docs/s`,
      );
    },
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `[preload] ${result.written} documents (${result.pool.docs.length} normalised, ${result.pool.copies} copies) in ${result.indices.length} indices (${result.indices[0]} .. ${result.indices.at(-1)}), ${result.failed} failed, ${seconds.toFixed(0)} s (${(result.written / seconds).toFixed(0)} docs/s)`,
  );
  return { ...result, seconds };
}
