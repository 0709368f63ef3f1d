import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DenyList } from '../../../core/src/anonymisation/deny-list.js';
import { controlKind } from '../../../core/src/kafka/control-record.js';
import type { IndexNames } from '../../../core/src/es/index-names.js';
import type { Logger } from '../../../core/src/observability/logger.js';
import type { DeadLetterRecord } from '../../../core/src/schemas/dead-letter.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { FieldMapping } from '../formats/field-mapping.js';
import type { IngestMetrics } from '../metrics.js';
import type { BatchSink, BulkDocument, BulkItemResult } from '../sink/batch-sink.js';
import type { DeadLetterSink } from '../sink/dead-letter-writer.js';
import type { SourceBatch, SourceRecord } from '../source/source-record.js';
import { buildDeadLetter, withDenyList } from './dead-letter.js';
import type { TimePolicy } from './event-time.js';
import type { ServiceNameRules } from '../formats/service-log/service-identity.js';
import type { TopicKind } from '../formats/input-format.js';
import { normaliseRecord } from './normalise-record.js';

export interface PipelineSettings {
  readonly kindOf: (topic: string) => TopicKind;
  readonly indexNames: IndexNames;
  readonly maxRecordBytes: number;
  readonly deadLetterMaxPayloadBytes: number;
  readonly bulkMaxBytes: number;
  readonly bulkMaxDocs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly time: TimePolicy;
  readonly mapping: FieldMapping;
  readonly serviceNames: ServiceNameRules;
}

export interface PipelineDeps {
  readonly sink: BatchSink;
  readonly deadLetters: DeadLetterSink;
  readonly denyList: DenyList;
  /** Rewrites an event the deny list matched, before it is indexed. */
  readonly onDenyListMatch: (event: TraceEvent, operationId: string) => TraceEvent;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** Consecutive records of a batch, written to Elasticsearch in one `_bulk`. */
interface RecordSlice {
  readonly records: readonly SourceRecord[];
  /** Bytes of the records' values. */
  readonly bytes: number;
}

/** A slice normalised and ready to write. */
interface PreparedBulk extends RecordSlice {
  readonly nowMs: number;
  readonly docs: readonly BulkDocument[];
  /** The record each document came from, by position in `docs`. */
  readonly owners: readonly SourceRecord[];
  /** Records that failed validation, dead-lettered with the bulk's store rejects. */
  readonly invalid: readonly DeadLetterRecord[];
}

/**
 * Delivers one partition batch: records are cut into bulks by count and bytes; each bulk is
 * written to Elasticsearch, its rejects dead-lettered, and only then its last offset committed.
 * The next bulk is normalised while the previous one is being written, so the CPU work overlaps
 * the wait on Elasticsearch; still only one bulk is written at a time and offsets are committed
 * in order, and at most two bulks' documents are held (the one in flight and the next).
 *
 * Transient store failures are retried with exponential backoff and full jitter for as long as
 * it takes, heartbeating meanwhile: the batch does not return, so the partition's delivery queue
 * fills to its bound and the source stops fetching for it; memory stays bounded. Resolves early,
 * without committing the bulks not yet stored, when the batch stops being active (shutdown,
 * rebalance).
 *
 * No time-based flush is needed: records are never held back waiting for more, a bulk is
 * written as soon as the fetched batch is cut.
 */
export async function processBatch(
  batch: SourceBatch,
  settings: PipelineSettings,
  deps: PipelineDeps,
): Promise<void> {
  const log = deps.logger.child({ topic: batch.topic, partition: batch.partition });
  const first = batch.records[0];
  if (!first) return;
  // Set before delivery too, so the lag grows visibly while the store is down.
  setLag(batch, first.offset, deps.metrics);
  const kind = settings.kindOf(batch.topic);
  const slices = cutIntoSlices(batch.records, settings.bulkMaxDocs, settings.bulkMaxBytes);
  let bulk: PreparedBulk = await prepareBulk(slices[0]!, kind, settings, deps);
  for (let next = 1; batch.isActive(); next += 1) {
    const following = slices[next];
    const [delivered, prepared] = await settleBoth(
      deliverBulk(batch, bulk, settings, deps, log),
      following && prepareBulk(following, kind, settings, deps),
    );
    if (!delivered || prepared === undefined) return;
    bulk = prepared;
  }
}

/**
 * Cuts records into consecutive slices of at most `maxDocs` records; a slice also ends with the
 * record that brings it to `maxBytes`.
 */
function cutIntoSlices(
  records: readonly SourceRecord[],
  maxDocs: number,
  maxBytes: number,
): RecordSlice[] {
  const slices: RecordSlice[] = [];
  let start = 0;
  let bytes = 0;
  records.forEach((record, i) => {
    bytes += record.value?.length ?? 0;
    if (i + 1 - start >= maxDocs || bytes >= maxBytes) {
      slices.push({ records: records.slice(start, i + 1), bytes });
      start = i + 1;
      bytes = 0;
    }
  });
  if (start < records.length) slices.push({ records: records.slice(start), bytes });
  return slices;
}

/**
 * Awaits both, so neither outlives the batch (no write or commit left running after an error),
 * then rethrows the first failure.
 */
async function settleBoth<A, B>(
  a: Promise<A>,
  b: Promise<B> | undefined,
): Promise<[A, B | undefined]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

const RECORDS_PER_TURN = 100;

/**
 * Normalises a slice into documents, deny list applied. It runs while the previous bulk is being
 * written, so it hands the event loop back every RECORDS_PER_TURN records, starting with the
 * first: that request goes out, and its answer, heartbeats and other partitions' bulks are
 * handled, without waiting for the whole slice.
 */
async function prepareBulk(
  slice: RecordSlice,
  kind: TopicKind,
  settings: PipelineSettings,
  deps: PipelineDeps,
): Promise<PreparedBulk> {
  const { metrics } = deps;
  const nowMs = deps.now();
  const docs: BulkDocument[] = [];
  const owners: SourceRecord[] = [];
  const invalid: DeadLetterRecord[] = [];
  for (const [i, record] of slice.records.entries()) {
    if (i % RECORDS_PER_TURN === 0) await nextTurn();
    // Ariane's own control records hold no log line: committed with the slice, never indexed.
    // A kind this version does not know goes through the pipeline like any record (a log line
    // is indexed, anything else dead-lettered with its reason), so a stray header loses nothing.
    if (record.control !== undefined) {
      const control = controlKind(record.control);
      metrics.controlRecords.inc({ kind: control });
      if (control !== 'unknown') continue;
    }
    const result = normaliseRecord(record.value, kind, settings.maxRecordBytes, {
      origin: { topic: record.topic, partition: record.partition, offset: record.offset },
      raw: record.value ?? Buffer.alloc(0),
      nowMs,
      time: settings.time,
      mapping: settings.mapping,
      serviceNames: settings.serviceNames,
    });
    metrics.read.inc({
      format: result.formats[0] ?? 'none',
      envelope: result.envelopes.length > 0 ? result.envelopes.join('+') : 'none',
    });
    const rejection =
      result.kind === 'rejected' ? result : result.kind === 'events' ? result.rejected : undefined;
    if (rejection !== undefined)
      invalid.push(
        buildDeadLetter(
          record,
          rejection.reason,
          rejection.issues,
          settings.deadLetterMaxPayloadBytes,
          nowMs,
          result.envelopes,
        ),
      );
    if (result.kind === 'events') {
      if (result.expired > 0) metrics.droppedExpired.inc(result.expired);
      for (const { doc, precedence } of result.events) {
        const operationId = deps.denyList.match(doc);
        const stored = operationId === undefined ? doc : deps.onDenyListMatch(doc, operationId);
        if (operationId !== undefined) metrics.anonymised.inc();
        docs.push({
          index: settings.indexNames.eventsIndexFor(new Date(stored['@timestamp'])),
          id: stored.event.id,
          precedence,
          doc: stored,
        });
        owners.push(record);
      }
    } else if (result.kind === 'skipped') metrics.skipped.inc({ reason: result.reason });
    else if (result.kind === 'expired') metrics.droppedExpired.inc(result.count);
  }
  return { ...slice, nowMs, docs, owners, invalid };
}

/**
 * Writes a prepared bulk until settled, dead-letters its invalid and rejected records, then
 * commits its last offset. False, with nothing committed, when the batch stops being active
 * while the write is retried.
 */
async function deliverBulk(
  batch: SourceBatch,
  bulk: PreparedBulk,
  settings: PipelineSettings,
  deps: PipelineDeps,
  log: Logger,
): Promise<boolean> {
  const { metrics } = deps;
  const { records, docs, owners, nowMs } = bulk;
  const endTimer = metrics.batchSeconds.startTimer();
  const results = await writeUntilSettled(batch, docs, settings, deps, log);
  if (results === undefined) return false;
  const rejectedOwners = new Map<SourceRecord, string>();
  results.forEach((result, i) => {
    if (result.status === 'ok') metrics.indexed.inc({ dataset: docs[i]!.doc.event.dataset });
    else if (result.status === 'rejected' && !rejectedOwners.has(owners[i]!))
      rejectedOwners.set(owners[i]!, result.error);
  });
  const dead = [...bulk.invalid];
  for (const [record, error] of rejectedOwners)
    dead.push(
      buildDeadLetter(
        record,
        'rejected_by_store',
        [{ path: '(document)', message: `Elasticsearch refused the document: ${error}` }],
        settings.deadLetterMaxPayloadBytes,
        nowMs,
      ),
    );
  if (dead.length > 0) {
    const stored = dead.map((letter) => withDenyList(letter, deps.denyList));
    await whileHeartbeating(batch, deps.deadLetters.send(stored));
    for (const record of dead) metrics.deadLettered.inc({ reason: record.reason });
    log.warn({ count: dead.length, firstOffset: dead[0]!.source.offset }, 'records dead-lettered');
  }

  const last = records[records.length - 1]!;
  await batch.commit(last.offset);
  metrics.consumed.inc({ topic: batch.topic }, records.length);
  metrics.bulkBytes.inc(bulk.bytes);
  setLag(batch, (BigInt(last.offset) + 1n).toString(), metrics);
  endTimer();
  return true;
}

/** Records from `nextOffset` (the first not yet committed) to the high watermark. */
function setLag(batch: SourceBatch, nextOffset: string, metrics: IngestMetrics): void {
  metrics.lag.set(
    { topic: batch.topic, partition: String(batch.partition) },
    Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(nextOffset))),
  );
}

/**
 * Writes `docs` until every one is stored or rejected. Undefined when the batch stopped being
 * active while retrying: nothing is committed and the records will be delivered again.
 */
async function writeUntilSettled(
  batch: SourceBatch,
  docs: readonly BulkDocument[],
  settings: PipelineSettings,
  deps: PipelineDeps,
  log: Logger,
): Promise<BulkItemResult[] | undefined> {
  const settled: BulkItemResult[] = new Array<BulkItemResult>(docs.length);
  let pending = docs.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) {
      const ceiling = Math.min(settings.retryMaxMs, settings.retryInitialMs * 2 ** (attempt - 1));
      if (!(await pauseWithHeartbeat(batch, ceiling * deps.random(), deps))) return undefined;
    }
    const results = await whileHeartbeating(batch, deps.sink.write(pending.map((i) => docs[i]!)));
    const retry: number[] = [];
    let lastError = '';
    results.forEach((result, j) => {
      const i = pending[j]!;
      if (result.status === 'retryable') {
        retry.push(i);
        lastError = result.error;
      } else settled[i] = result;
    });
    if (retry.length > 0) {
      deps.metrics.retried.inc(retry.length);
      // One line per retry round at most, and fewer once an outage drags on.
      if (attempt < 3 || attempt % 10 === 0)
        log.warn({ attempt: attempt + 1, count: retry.length, error: lastError }, 'bulk retry');
    }
    pending = retry;
  }
  return settled;
}

const HEARTBEAT_EVERY_MS = 3_000;

/**
 * Awaits `work` while heartbeating, so a slow bulk (up to INGEST_BULK_TIMEOUT_MS) does not cost
 * the group membership. A heartbeat refused because the group is rebalancing is ignored here:
 * the commit that follows then fails the same way and the records go to the partition's next
 * owner, who writes them again under the same ids.
 */
async function whileHeartbeating<T>(batch: SourceBatch, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    batch.heartbeat().catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Sleeps `ms` in slices, heartbeating between them; false if the batch stops being active. */
async function pauseWithHeartbeat(
  batch: SourceBatch,
  ms: number,
  deps: PipelineDeps,
): Promise<boolean> {
  const slice = 1_000;
  for (let left = ms; left > 0; left -= slice) {
    if (!batch.isActive()) return false;
    await deps.sleep(Math.min(slice, left));
    await batch.heartbeat();
  }
  return batch.isActive();
}
