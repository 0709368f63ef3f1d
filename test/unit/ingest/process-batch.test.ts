import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { EMPTY_DENY_LIST, type DenyList } from '../../../core/src/anonymisation/deny-list.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import type { DeadLetterRecord } from '../../../core/src/schemas/dead-letter.js';
import { DEFAULT_FIELD_MAPPING } from '../../../ingest/src/formats/field-mapping.js';
import { NO_SERVICE_NAME_RULES } from '../../../ingest/src/formats/service-log/service-identity.js';
import { anonymiseAtIngest } from '../../../ingest/src/ingest.js';
import { createIngestMetrics } from '../../../ingest/src/metrics.js';
import {
  processBatch,
  type PipelineDeps,
  type PipelineSettings,
} from '../../../ingest/src/pipeline/process-batch.js';
import type { BulkDocument, BulkItemResult } from '../../../ingest/src/sink/batch-sink.js';
import type { SourceBatch } from '../../../ingest/src/source/source-record.js';
import { bytesOf, fixture, FIXTURE_START_MS } from '../../helpers/ingest.js';

const settings: PipelineSettings = {
  kindOf: (topic) => (topic.endsWith('services') ? 'services' : 'gateway'),
  indexNames: indexNames('t'),
  maxRecordBytes: 64 * 1024,
  deadLetterMaxPayloadBytes: 1024,
  bulkMaxBytes: 1_000_000,
  bulkMaxDocs: 2,
  retryInitialMs: 10,
  retryMaxMs: 100,
  time: { retentionDays: 10, futureToleranceMs: 300_000, futureLimitMs: 86_400_000 },
  mapping: DEFAULT_FIELD_MAPPING,
  serviceNames: NO_SERVICE_NAME_RULES,
};

/** A scripted store and broker: every call is recorded in `journal`, in order. */
function harness(
  answers: (
    docs: readonly BulkDocument[],
    call: number,
  ) => BulkItemResult[] | Promise<BulkItemResult[]>,
) {
  const journal: string[] = [];
  const written: BulkDocument[][] = [];
  const deadLetters: DeadLetterRecord[] = [];
  let active = true;
  const deps: PipelineDeps = {
    sink: {
      write: (docs) => {
        written.push([...docs]);
        journal.push(`write ${docs.length}`);
        return Promise.resolve(answers(docs, written.length - 1));
      },
    },
    deadLetters: {
      send: (records) => {
        deadLetters.push(...records);
        journal.push(`dead-letter ${records.length}`);
        return Promise.resolve();
      },
    },
    denyList: EMPTY_DENY_LIST,
    onDenyListMatch: (event) => event,
    metrics: createIngestMetrics(new Registry()),
    logger: createLogger('test', 'silent'),
    now: () => FIXTURE_START_MS + 60_000,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
  };
  const batch = (values: Array<Buffer | null>): SourceBatch => ({
    topic: 'ariane.gateway',
    partition: 0,
    highWatermark: String(values.length + 10),
    records: values.map((value, i) => ({
      topic: 'ariane.gateway',
      partition: 0,
      offset: String(10 + i),
      value,
    })),
    commit: (offset) => {
      journal.push(`commit ${offset}`);
      return Promise.resolve();
    },
    heartbeat: () => {
      journal.push('heartbeat');
      return Promise.resolve();
    },
    isActive: () => active,
  });
  return {
    deps,
    batch,
    journal,
    written,
    deadLetters,
    deactivate: () => {
      active = false;
    },
  };
}

const ok = (docs: readonly BulkDocument[]) => docs.map((): BulkItemResult => ({ status: 'ok' }));

/**
 * A store that answers only when the test says so: `answer(call, results)` settles the
 * `call`-th write. `release` answers every write, held or to come, with ok: called after each
 * test, so a failed assertion does not leave the pipeline waiting (and heartbeating) forever.
 */
function heldWrites() {
  type Answer = (docs: readonly BulkDocument[]) => BulkItemResult[];
  const held: Array<(answer: Answer) => void> = [];
  let holding = true;
  return {
    write: (docs: readonly BulkDocument[]) =>
      holding
        ? new Promise<BulkItemResult[]>((resolve) => {
            held.push((answer) => resolve(answer(docs)));
          })
        : Promise.resolve(ok(docs)),
    answer: (call: number, answer: Answer) => {
      held[call]!(answer);
    },
    release: () => {
      holding = false;
      for (const settle of held) settle(ok);
    },
  };
}

/** A deny list that matches nothing and notes each event it is asked about: its normalisation. */
function normalisationJournal(journal: string[]): DenyList {
  return {
    ...EMPTY_DENY_LIST,
    match: (event) => {
      journal.push(`normalise ${event.ariane.source.offset}`);
      return undefined;
    },
  };
}

/** Lets the pipeline run until it waits on something the test controls. */
async function untilIdle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) await nextTurn();
}

const offsetsWritten = (written: readonly BulkDocument[][]) =>
  written.map((docs) => docs.map((d) => d.doc.ariane.source.offset).join(' '));

const retryable11 = (docs: readonly BulkDocument[]) =>
  docs.map((d): BulkItemResult =>
    d.doc.ariane.source.offset === '11'
      ? { status: 'retryable', error: 'es_rejected_execution_exception' }
      : { status: 'ok' },
  );
const leg0 = bytesOf(fixture('axway-open-traffic-leg0'));
const leg1 = bytesOf(fixture('axway-open-traffic-leg1'));
const summary = bytesOf(fixture('axway-open-traffic-summary'));

void describe('processBatch', () => {
  void test('bulks by count, and commits each bulk only after the store acknowledged it', async () => {
    const h = harness(ok);
    await processBatch(h.batch([leg0, leg1, summary]), settings, h.deps);
    assert.deepEqual(h.journal, ['write 2', 'commit 11', 'write 1', 'commit 12']);
    assert.equal(h.written[0]?.[0]?.index, 't-events-2026.11.20');
    assert.equal(h.written[0]?.[0]?.id, 'axway:5f3d2a6b0c00e4a1b2c3d4e5:leg:0');
    const lag = await h.deps.metrics.lag.get();
    assert.deepEqual(
      lag.values.map((v) => [v.labels.partition, v.value]),
      [['0', 0]],
    );
    const indexed = await h.deps.metrics.indexed.get();
    assert.equal(
      indexed.values.reduce((sum, v) => sum + v.value, 0),
      3,
    );
  });

  void test('retries only the retryable items, heartbeating, until they are stored', async () => {
    const h = harness((docs, call) =>
      docs.map((d): BulkItemResult =>
        call < 2 && d.id.endsWith(':leg:1')
          ? { status: 'retryable', error: 'es_rejected_execution_exception' }
          : { status: 'ok' },
      ),
    );
    await processBatch(h.batch([leg0, leg1]), settings, h.deps);
    assert.deepEqual(
      h.written.map((docs) => docs.map((d) => d.id.split(':').pop())),
      [['0', '1'], ['1'], ['1']],
    );
    assert.deepEqual(h.journal.at(-1), 'commit 11');
    assert.ok(h.journal.includes('heartbeat'));
  });

  void test('invalid records and store rejects go to the dead-letter topic before the commit', async () => {
    const h = harness((docs) =>
      docs.map((d): BulkItemResult =>
        d.id.endsWith(':leg:1')
          ? { status: 'rejected', error: 'document_parsing_exception' }
          : { status: 'ok' },
      ),
    );
    await processBatch(h.batch([Buffer.from('nope'), leg1]), settings, h.deps);
    assert.deepEqual(h.journal, ['write 1', 'dead-letter 2', 'commit 11']);
    assert.deepEqual(
      h.deadLetters.map((d) => [d.reason, d.source.offset]),
      [
        ['invalid_json', '10'],
        ['rejected_by_store', '11'],
      ],
    );
  });

  void test('stops retrying and commits nothing once the batch is no longer active', async () => {
    let calls = 0;
    const h = harness((docs) => {
      calls += 1;
      if (calls === 3) h.deactivate();
      return docs.map((): BulkItemResult => ({ status: 'retryable', error: 'ConnectionError' }));
    });
    await processBatch(h.batch([leg0]), settings, h.deps);
    assert.equal(calls, 3);
    assert.ok(!h.journal.some((entry) => entry.startsWith('commit')));
  });

  void test('skipped and expired records are committed without a write', async () => {
    const h = harness(ok);
    const old = bytesOf({
      ...fixture('axway-open-traffic-leg0'),
      timestamp: FIXTURE_START_MS - 20 * 86_400_000,
    });
    await processBatch(
      h.batch([bytesOf(fixture('axway-open-traffic-trace')), old]),
      settings,
      h.deps,
    );
    assert.deepEqual(h.journal, ['commit 11']);
  });

  void test('events the deny list matches are anonymised before they are written', async () => {
    const h = harness(ok);
    const deps: PipelineDeps = {
      ...h.deps,
      denyList: {
        ...EMPTY_DENY_LIST,
        match: (event) => (event.ariane.leg === 1 ? 'op-42' : undefined),
      },
      onDenyListMatch: anonymiseAtIngest,
    };
    await processBatch(h.batch([leg0, leg1, leg1]), settings, deps);
    const docs = h.written.flat();
    assert.equal(docs[0]?.id, 'axway:5f3d2a6b0c00e4a1b2c3d4e5:leg:0');
    const [first, second] = [docs[1]!, docs[2]!];
    assert.match(first.id, /^anon:/);
    assert.equal(first.id, second.id, 'a replay lands on the same anonymised document');
    assert.equal(first.doc.ariane.anonymisation_id, 'op-42');
    assert.ok(first.doc.ariane.flags?.includes('anonymised_at_ingest'));
    assert.ok(!JSON.stringify(first.doc).includes('8c1e0f4a-2b7d'));
  });
  void test('normalises the next bulk while the previous one is being written, one write at a time', async (t) => {
    const store = heldWrites();
    t.after(store.release);
    const h = harness(store.write);
    const deps: PipelineDeps = { ...h.deps, denyList: normalisationJournal(h.journal) };
    const done = processBatch(
      h.batch([leg0, leg1, summary]),
      { ...settings, bulkMaxDocs: 1 },
      deps,
    );
    await untilIdle();
    assert.deepEqual(h.journal, ['normalise 10', 'write 1', 'normalise 11']);
    assert.deepEqual(offsetsWritten(h.written), ['10']);

    store.answer(0, ok);
    await untilIdle();
    assert.deepEqual(h.journal.slice(3), ['commit 10', 'write 1', 'normalise 12']);
    assert.deepEqual(offsetsWritten(h.written), ['10', '11']);

    store.answer(1, ok);
    await untilIdle();
    store.answer(2, ok);
    await done;
    assert.deepEqual(h.journal.slice(6), ['commit 11', 'write 1', 'commit 12']);
    assert.deepEqual(offsetsWritten(h.written), ['10', '11', '12']);
  });

  void test('commits in offset order, each only once its bulk is settled, retries included', async (t) => {
    const store = heldWrites();
    t.after(store.release);
    const h = harness(store.write);
    const deps: PipelineDeps = { ...h.deps, denyList: normalisationJournal(h.journal) };
    const done = processBatch(h.batch([leg0, leg1, summary]), settings, deps);
    await untilIdle();
    assert.deepEqual(h.journal, ['normalise 10', 'normalise 11', 'write 2', 'normalise 12']);

    store.answer(0, retryable11);
    await untilIdle();
    assert.deepEqual(h.journal.slice(4), ['heartbeat', 'write 1']);
    assert.deepEqual(offsetsWritten(h.written), ['10 11', '11']);

    store.answer(1, ok);
    await untilIdle();
    assert.deepEqual(h.journal.slice(6), ['commit 11', 'write 1']);
    assert.deepEqual(offsetsWritten(h.written), ['10 11', '11', '12']);

    store.answer(2, ok);
    await done;
    assert.deepEqual(h.journal.slice(8), ['commit 12']);
  });

  void test('an inactive batch stops retrying, commits nothing and writes no further bulk', async (t) => {
    const store = heldWrites();
    t.after(store.release);
    const h = harness(store.write);
    const done = processBatch(h.batch([leg0, leg1]), { ...settings, bulkMaxDocs: 1 }, h.deps);
    await untilIdle();
    h.deactivate();
    store.answer(0, () => [{ status: 'retryable', error: 'ConnectionError' }]);
    await done;
    assert.deepEqual(h.journal, ['write 1']);
    assert.deepEqual(offsetsWritten(h.written), ['10']);
  });

  void test('a bulk stored before the batch went inactive is committed, the next is not written', async (t) => {
    const store = heldWrites();
    t.after(store.release);
    const h = harness(store.write);
    const done = processBatch(h.batch([leg0, leg1]), { ...settings, bulkMaxDocs: 1 }, h.deps);
    await untilIdle();
    h.deactivate();
    store.answer(0, ok);
    await done;
    assert.deepEqual(h.journal, ['write 1', 'commit 10']);
    assert.deepEqual(offsetsWritten(h.written), ['10']);
  });

  void test('counts records by format and envelope; an export with one bad line is indexed and dead-lettered', async () => {
    const h = harness(ok);
    const filebeat = Buffer.from(
      JSON.stringify({
        '@timestamp': '2026-11-20T10:00:01.000Z',
        message: leg1.toString(),
        agent: { type: 'filebeat' },
        log: {
          file: { path: '/opt/Axway/apigateway/logs/opentraffic/group-2_instance-1_traffic.log' },
        },
      }),
    );
    const lonePart = Buffer.from(`2026-11-20T10:00:00.031954120Z stdout P ${leg0.toString()}`);
    const record = (body: string) => ({
      timeUnixNano: '1795168800031000000',
      body: { stringValue: body },
    });
    const export_ = Buffer.from(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              { logRecords: [record(leg0.toString()), record('{"transactionElement":1}')] },
            ],
          },
        ],
      }),
    );
    await processBatch(
      h.batch([leg0, filebeat, lonePart, export_]),
      { ...settings, bulkMaxDocs: 10 },
      h.deps,
    );
    const read = await h.deps.metrics.read.get();
    assert.deepEqual(read.values.map((v) => [v.labels.format, v.labels.envelope, v.value]).sort(), [
      ['axway-open-traffic', 'filebeat', 1],
      ['axway-open-traffic', 'none', 1],
      ['axway-open-traffic', 'otlp', 1],
      ['none', 'cri', 1],
    ]);
    assert.deepEqual(
      h.deadLetters.map((d) => [d.source.offset, d.reason, d.envelopes]),
      [
        ['12', 'partial_line', ['cri']],
        ['13', 'schema_mismatch', ['otlp']],
      ],
    );
    const ids = h.written.flat().map((d) => d.id);
    assert.equal(ids.filter((id) => id.endsWith(':leg:0')).length, 2, 'bare and exported leg 0');
    const shipped = h.written.flat().find((d) => d.id.endsWith(':leg:1'))?.doc;
    assert.deepEqual(shipped?.ariane.envelopes, ['filebeat']);
    assert.equal(shipped?.ariane.gateway_instance, 'instance-1');
    assert.equal(shipped?.event.created, '2026-11-20T10:00:01.000Z');
  });
});

void describe('processBatch and control records', () => {
  void test('a segment-roll marker is committed and counted, never indexed nor dead-lettered', async () => {
    const h = harness(ok);
    const withMarker = (batch: SourceBatch, at: number): SourceBatch => ({
      ...batch,
      records: batch.records.map((r, i) =>
        i === at ? { ...r, value: Buffer.alloc(0), control: 'segment-roll' } : r,
      ),
    });
    await processBatch(withMarker(h.batch([leg0, null, leg1]), 1), settings, h.deps);
    // Bulks are cut by records (two here): the marker shares the first with leg 0.
    assert.deepEqual(offsetsWritten(h.written), ['10', '12']);
    assert.deepEqual(h.journal, ['write 1', 'commit 11', 'write 1', 'commit 12']);
    // A batch of the marker alone (an idle partition): no write, and the commit passes it.
    await processBatch(withMarker(h.batch([null]), 0), settings, h.deps);
    assert.deepEqual(h.journal.slice(4), ['commit 10']);
    assert.equal(h.deadLetters.length, 0);
    const control = await h.deps.metrics.controlRecords.get();
    assert.deepEqual(
      control.values.map((v) => [v.labels.kind, v.value]),
      [['segment-roll', 2]],
    );
    const read = await h.deps.metrics.read.get();
    assert.equal(
      read.values.reduce((sum, v) => sum + v.value, 0),
      2,
    );
  });

  void test('a control kind this version does not know is processed like any record', async () => {
    const h = harness(ok);
    const batch = h.batch([leg0, null]);
    await processBatch(
      {
        ...batch,
        records: batch.records.map((r, i) => ({
          ...r,
          control: 'from-a-newer-version',
          ...(i === 1 && { value: Buffer.alloc(0) }),
        })),
      },
      settings,
      h.deps,
    );
    // The log line is indexed; the empty record is dead-lettered with its reason.
    assert.deepEqual(offsetsWritten(h.written), ['10']);
    assert.equal(h.deadLetters.length, 1);
    const control = await h.deps.metrics.controlRecords.get();
    assert.deepEqual(
      control.values.map((v) => [v.labels.kind, v.value]),
      [['unknown', 2]],
    );
  });
});
