import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexNames } from '../../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../../core/src/es/setup.js';
import { ensureOperationIndices } from '../../../core/src/anonymisation/operation-log.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import { runAutoAnonymisation } from '../../../jobs/src/anonymisation/auto-anonymise.js';
import { deletedDocsOnDisk } from '../../../jobs/src/anonymisation/erase.js';
import { elasticsearchErasureStore } from '../../../jobs/src/anonymisation/erasure-store.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { anonymisationTestDeps, PERSONAL, personalEvent, sourcesOf } from '../../helpers/jobs.js';

/** Anonymise after 3 days, run at NOW: the cut-off is 2024-03-12T12:00Z, inside a day. */
const NOW = new Date('2024-03-15T12:00:00.000Z');
const AFTER_DAYS = 3;

const OLD: [string, string][] = [
  ['2024.03.10', '2024-03-10T10:00:00.000Z'],
  ['2024.03.12', '2024-03-12T11:59:59.999Z'],
];
const RECENT: [string, string][] = [
  ['2024.03.12', '2024-03-12T12:00:00.000Z'],
  ['2024.03.14', '2024-03-14T09:00:00.000Z'],
];

describe('automatic anonymisation of events older than N days', () => {
  const ctx = new EsTestContext();
  const prefix = ctx.prefix('jobs-auto-anon');
  const names = indexNames(prefix);
  const es = ctx.client;
  const deps = anonymisationTestDeps(es, names);

  const recentBefore = new Map<string, Record<string, unknown>>();

  before(async () => {
    await installEventsTemplate(es, names, prefix, 0);
    await ensureOperationIndices(es, names, 0);
    const docs = [...OLD, ...RECENT].map(([day, timestamp], i): [string, string, TraceEvent] => [
      day,
      `event-${i}`,
      personalEvent({ '@timestamp': timestamp }),
    ]);
    await es.bulk({
      refresh: true,
      operations: docs.flatMap(([day, id, doc]) => [
        { index: { _index: names.eventsPrefix + day, _id: id } },
        doc,
      ]),
    });
    for (const day of ['2024.03.12', '2024.03.14'])
      for (const doc of await sourcesOf(es, names.eventsPrefix + day))
        if (Date.parse(String(doc['@timestamp'])) >= Date.parse('2024-03-12T12:00:00.000Z'))
          recentBefore.set(String(doc._id), doc);
  });
  after(() => ctx.close());

  test('events older than the cut-off are rewritten, erased and audited', async () => {
    const report = await runAutoAnonymisation(deps, AFTER_DAYS, NOW);
    assert.equal(report.operationId, 'auto-2024-03-15');
    assert.equal(report.cutoff, '2024-03-12T12:00:00.000Z');
    assert.equal(report.eventsAnonymised, OLD.length);
    assert.deepEqual(report.indicesTouched, [
      names.eventsPrefix + '2024.03.10',
      names.eventsPrefix + '2024.03.12',
    ]);
    assert.deepEqual(report.indicesErased, report.indicesTouched);
    assert.deepEqual(report.failures, []);

    const all = [
      ...(await sourcesOf(es, names.eventsPrefix + '2024.03.10')),
      ...(await sourcesOf(es, names.eventsPrefix + '2024.03.12')),
      ...(await sourcesOf(es, names.eventsPrefix + '2024.03.14')),
    ];
    const old = all.filter((doc) => !recentBefore.has(String(doc._id)));
    assert.equal(old.length, OLD.length);
    for (const doc of old) {
      assert.equal(
        (doc.ariane as { anonymisation_id?: string }).anonymisation_id,
        report.operationId,
      );
      const text = JSON.stringify(doc);
      for (const value of PERSONAL) assert.ok(!text.includes(value), 'a personal value remains');
    }
    for (const index of report.indicesTouched)
      assert.equal(await deletedDocsOnDisk(elasticsearchErasureStore(es, names.locks), index), 0);

    await es.indices.refresh({ index: names.audit });
    const audit = await es.search({
      index: names.audit,
      query: { term: { kind: 'auto_anonymisation' } },
    });
    assert.equal(audit.hits.hits.length, 1);
    const record = JSON.stringify(audit.hits.hits[0]?._source);
    for (const value of PERSONAL)
      assert.ok(!record.includes(value), 'the audit holds a personal value');
  });

  test('recent events are untouched, byte for byte', async () => {
    const recentNow = [
      ...(await sourcesOf(es, names.eventsPrefix + '2024.03.12')),
      ...(await sourcesOf(es, names.eventsPrefix + '2024.03.14')),
    ].filter((doc) => recentBefore.has(String(doc._id)));
    assert.deepEqual(recentNow, [...recentBefore.values()]);
  });

  test('a run that crashed after its rewrite is resumed, and its leftovers erased', async () => {
    const index = names.eventsPrefix + '2024.03.11';
    await es.index({
      index,
      id: 'late-old-event',
      document: personalEvent({ '@timestamp': '2024-03-11T08:00:00.000Z' }),
      refresh: true,
    });
    const crash = { ...deps, afterBatch: () => Promise.reject(new Error('simulated crash')) };
    await assert.rejects(runAutoAnonymisation(crash, AFTER_DAYS, NOW), /simulated crash/);
    const resumed = await runAutoAnonymisation(deps, AFTER_DAYS, NOW);
    assert.deepEqual(resumed.indicesErased, [index]);
    assert.deepEqual(resumed.failures, []);
    assert.equal(await deletedDocsOnDisk(elasticsearchErasureStore(es, names.locks), index), 0);
    const text = JSON.stringify(await sourcesOf(es, index));
    for (const value of PERSONAL) assert.ok(!text.includes(value), 'a personal value remains');
  });

  test('a second run finds nothing and records nothing', async () => {
    const audited = async () => {
      await es.indices.refresh({ index: names.audit });
      const query = { term: { kind: 'auto_anonymisation' } };
      return (await es.count({ index: names.audit, query })).count;
    };
    const before = await audited();
    const report = await runAutoAnonymisation(deps, AFTER_DAYS, NOW);
    assert.equal(report.eventsAnonymised, 0);
    assert.deepEqual(report.indicesTouched, []);
    assert.deepEqual(report.indicesErased, []);
    assert.equal(await audited(), before);
  });
});
