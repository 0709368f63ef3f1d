import { GCProfiler } from 'node:v8';
import { BaseConnection, type ConnectionRequestParams } from '@elastic/elasticsearch';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { createElasticsearchClient } from '../../core/src/es/client.js';
import { indexNames } from '../../core/src/es/index-names.js';
import { EMPTY_DENY_LIST } from '../../core/src/anonymisation/deny-list.js';
import { anonymiseAtIngest } from '../../ingest/src/ingest.js';
import { DEFAULT_FIELD_MAPPING } from '../../ingest/src/formats/field-mapping.js';
import { loadServiceNameRules } from '../../ingest/src/formats/service-log/service-identity.js';
import { createIngestMetrics } from '../../ingest/src/metrics.js';
import { processBatch, type PipelineSettings } from '../../ingest/src/pipeline/process-batch.js';
import { elasticsearchBatchSink } from '../../ingest/src/sink/bulk-writer.js';
import type { SourceBatch, SourceRecord } from '../../ingest/src/source/source-record.js';
import { generateRecords } from '../generator/records.js';

export interface MicroOptions {
  readonly records: number;
  readonly rounds: number;
  readonly seed: string;
  /** Share of records in a shipper envelope: 0 as the end-to-end bench, 0.3 as real traffic. */
  readonly envelopeShare: number;
}

export interface MicroRound {
  readonly docs: number;
  readonly cpuMicrosPerDoc: number;
  readonly allocatedBytesPerDoc: number;
  readonly gcCount: number;
  readonly gcMs: number;
}

/**
 * Elasticsearch answered by the bench itself: every document of a `_bulk` stored, in the answer's
 * real shape. The request body is still built and serialised, and the answer parsed, by the real
 * client, so the sink's CPU is measured.
 */
class StoredEverything extends BaseConnection {
  // The client only asks for a body as a string here; the stream overload is never taken.
  override request(params: ConnectionRequestParams): Promise<never> {
    const body = typeof params.body === 'string' ? params.body : '';
    let lines = 0;
    for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) lines += 1;
    // What Elasticsearch 8 answers per stored document, or its filtered form when asked.
    const item = params.querystring?.includes('filter_path')
      ? '{"index":{"status":201}}'
      : '{"index":{"_index":"micro-events-2026.12.01","_id":"svc:0123456789abcdefghijklmnopqrstuv",' +
        '"_version":2,"result":"created","_shards":{"total":1,"successful":1,"failed":0},' +
        '"_seq_no":123456,"_primary_term":1,"status":201}}';
    const items = Array.from({ length: lines / 2 }, () => item);
    return Promise.resolve({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' },
      body: `{"took":1,"errors":false,"items":[${items.join(',')}]}`,
    } as never);
  }
}

/**
 * Ingest's CPU per document without servers: generated records, cut into partition batches as
 * Kafka delivers them, through `processBatch` exactly as ingest runs it (decode, envelopes,
 * formats, normalise, deny list, index names, metrics, the bulk body serialised by the real
 * Elasticsearch client); only the network is left out. Each round reports CPU µs per stored
 * document (`process.cpuUsage`, the GC's work included) and bytes allocated per document (from
 * the heap sizes around each collection). Run it compiled or under tsx with `--cpu-prof` to see
 * where the time goes.
 */
export async function runMicroBench(options: MicroOptions): Promise<MicroRound[]> {
  const records = generate(options);
  const registry = new Registry();
  const settings: PipelineSettings = {
    kindOf: (topic) => (topic === 'services' ? 'services' : 'gateway'),
    indexNames: indexNames('micro'),
    maxRecordBytes: 1024 * 1024,
    deadLetterMaxPayloadBytes: 64 * 1024,
    bulkMaxBytes: 8 * 1024 * 1024,
    bulkMaxDocs: 1_000,
    retryInitialMs: 100,
    retryMaxMs: 1_000,
    // Generous: the generated traffic is an hour old and must not expire.
    time: { retentionDays: 10, futureToleranceMs: 5 * 60_000, futureLimitMs: 86_400_000 },
    mapping: DEFAULT_FIELD_MAPPING,
    serviceNames: loadServiceNameRules(undefined),
  };
  const es = createElasticsearchClient(
    { ES_URL: 'http://127.0.0.1:1' },
    { Connection: StoredEverything },
  );
  let docs = 0;
  const sink = elasticsearchBatchSink(es, 30_000);
  const deps = {
    sink: {
      write: async (batch: Parameters<typeof sink.write>[0]) => {
        docs += batch.length;
        return sink.write(batch);
      },
    },
    deadLetters: { send: () => Promise.resolve() },
    denyList: EMPTY_DENY_LIST,
    onDenyListMatch: anonymiseAtIngest,
    metrics: createIngestMetrics(registry),
    logger: pino({ level: 'silent' }),
    now: Date.now,
    sleep: () => Promise.resolve(),
    random: Math.random,
  };
  const rounds: MicroRound[] = [];
  // The first round warms the JIT and is not reported.
  for (let round = 0; round <= options.rounds; round += 1) {
    docs = 0;
    const gc = new GCProfiler();
    gc.start();
    const heapBefore = process.memoryUsage().heapUsed;
    const cpuBefore = process.cpuUsage();
    for (const batch of partitionBatches(records)) await processBatch(batch, settings, deps);
    const cpu = process.cpuUsage(cpuBefore);
    const heapAfter = process.memoryUsage().heapUsed;
    const { statistics } = gc.stop();
    // Allocated = what each collection found, less what the previous one left, plus the rest.
    let allocated = 0;
    let previousAfter = heapBefore;
    for (const { beforeGC, afterGC } of statistics) {
      allocated += beforeGC.heapStatistics.usedHeapSize - previousAfter;
      previousAfter = afterGC.heapStatistics.usedHeapSize;
    }
    allocated += heapAfter - previousAfter;
    if (round > 0)
      rounds.push({
        docs,
        cpuMicrosPerDoc: (cpu.user + cpu.system) / docs,
        allocatedBytesPerDoc: allocated / docs,
        gcCount: statistics.length,
        gcMs: statistics.reduce((sum, entry) => sum + entry.cost, 0) / 1_000,
      });
  }
  return rounds;
}

interface GeneratedRecord extends SourceRecord {
  readonly topic: 'gateway' | 'services';
}

function generate(options: MicroOptions): GeneratedRecord[] {
  const records: GeneratedRecord[] = [];
  for (const record of generateRecords({
    seed: options.seed,
    startMs: Date.now() - 3_600_000,
    requestsPerSecond: 500,
    envelopeShare: options.envelopeShare,
  })) {
    if (records.length >= options.records) break;
    records.push({
      topic: record.topic,
      partition: 0,
      offset: String(records.length),
      value: Buffer.from(record.value),
    });
  }
  return records;
}

/** Batches of one topic each, of at most 500 records, as kafkajs hands over a small fetch. */
function* partitionBatches(records: readonly GeneratedRecord[]): Generator<SourceBatch> {
  const batchOf = (topic: string, slice: SourceRecord[]): SourceBatch => ({
    topic,
    partition: 0,
    records: slice,
    highWatermark: String(records.length),
    commit: () => Promise.resolve(),
    heartbeat: () => Promise.resolve(),
    isActive: () => true,
  });
  for (const topic of ['gateway', 'services'] as const) {
    const ofTopic = records.filter((record) => record.topic === topic);
    for (let start = 0; start < ofTopic.length; start += 500)
      yield batchOf(topic, ofTopic.slice(start, start + 500));
  }
}
