import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@elastic/elasticsearch';
import { ensureOperationIndices } from '../../../core/src/anonymisation/operation-log.js';
import { ensureDeadLetterIndex } from '../../../core/src/es/dead-letter-index.js';
import { indexNames, type IndexNames } from '../../../core/src/es/index-names.js';
import { installEventsTemplate } from '../../../core/src/es/setup.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import { deletedDocsOnDisk } from '../../../jobs/src/anonymisation/erase.js';
import { elasticsearchErasureStore } from '../../../jobs/src/anonymisation/erasure-store.js';
import { acquireLease, withLease } from '../../../jobs/src/lock.js';
import { runRetention } from '../../../jobs/src/retention/run-retention.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { personalEvent } from '../../helpers/jobs.js';

const NOW = new Date('2024-03-11T00:30:00.000Z'); // cut-off 2024-03-01T00:30:00Z
const logger = createLogger('jobs-test', 'silent');

/** Day index → @timestamps of its documents. */
const LAYOUT: Record<string, string[]> = {
  '2024.02.28': ['2024-02-28T10:00:00.000Z', '2024-02-28T23:59:59.999Z'],
  '2024.02.29': ['2024-02-29T00:00:00.000Z'],
  // A late event landed in an old day's index: the index stays, its old events go.
  '2024.02.25': ['2024-02-25T08:00:00.000Z', '2024-03-05T08:00:00.000Z'],
  // The day straddling the cut-off: 00:10 is past, 00:30 exactly is kept.
  '2024.03.01': [
    '2024-03-01T00:10:00.000Z',
    '2024-03-01T00:30:00.000Z',
    '2024-03-01T12:00:00.000Z',
  ],
  '2024.03.10': ['2024-03-10T12:00:00.000Z'],
};

async function seed(es: Client, names: IndexNames, prefix: string): Promise<void> {
  await installEventsTemplate(es, names, prefix, 0);
  await ensureOperationIndices(es, names, 0);
  const operations = Object.entries(LAYOUT).flatMap(([day, stamps]) =>
    stamps.flatMap((stamp, i) => [
      { index: { _index: `${names.eventsPrefix}${day}`, _id: `${day}-${i}` } },
      personalEvent({ '@timestamp': stamp }),
    ]),
  );
  await es.bulk({ refresh: true, operations });
  // A closed old day, and a name that is not a day: decided by name, and never touched.
  await es.indices.create({ index: `${names.eventsPrefix}2024.02.20` });
  await es.indices.close({ index: `${names.eventsPrefix}2024.02.20` });
  await es.indices.create({ index: `${names.eventsPrefix}backup` });
}

async function eventIndices(es: Client, names: IndexNames): Promise<string[]> {
  const rows = await es.cat.indices({
    index: names.eventsPattern,
    expand_wildcards: 'all',
    format: 'json',
    h: ['index'],
  });
  return rows.map((row) => String(row.index)).sort();
}

describe('retention job', () => {
  const ctx = new EsTestContext();
  const prefix = ctx.prefix('jobs-retention');
  const names = indexNames(prefix);
  const deps = { es: ctx.client, names, logger };
  before(() => seed(ctx.client, names, prefix));
  after(() => ctx.close());

  test('dry run reports and deletes nothing', async () => {
    const before = await eventIndices(ctx.client, names);
    const report = await runRetention(deps, { retentionDays: 10, dryRun: true }, NOW);
    assert.deepEqual(
      report.deletedIndices.map((d) => d.index),
      ['2024.02.20', '2024.02.28', '2024.02.29'].map((d) => names.eventsPrefix + d),
    );
    assert.deepEqual(await eventIndices(ctx.client, names), before);
  });

  test('deletes exactly the past days and the stray old events, by name', async () => {
    const report = await runRetention(deps, { retentionDays: 10, dryRun: false }, NOW);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      await eventIndices(ctx.client, names),
      ['2024.02.25', '2024.03.01', '2024.03.10', 'backup'].map((d) => names.eventsPrefix + d),
    );
    assert.deepEqual(report.prunedDocuments, [
      { index: `${names.eventsPrefix}2024.02.25`, docs: 1 },
      { index: `${names.eventsPrefix}2024.03.01`, docs: 1 },
    ]);
    const older = await ctx.client.count({
      index: names.eventsPattern,
      query: { range: { '@timestamp': { lt: '2024-03-01T00:30:00.000Z' } } },
    });
    assert.equal(older.count, 0);
    const kept = await ctx.client.count({ index: names.eventsPattern });
    assert.equal(kept.count, 4);
    const audit = await ctx.client.search({
      index: names.audit,
      query: { term: { kind: 'retention' } },
    });
    const text = JSON.stringify(audit.hits.hits.map((hit) => hit._source));
    assert.ok(text.includes(`${names.eventsPrefix}2024.02.28`));
    assert.ok(!text.includes('203.0.113.77') && !text.includes('user-8812'));
  });

  test('a second run is a no-op', async () => {
    const report = await runRetention(deps, { retentionDays: 10, dryRun: false }, NOW);
    assert.deepEqual(report.deletedIndices, []);
    assert.deepEqual(report.prunedDocuments, []);
  });

  test('two instances at once: exactly one runs, and the lease is released after', async () => {
    const run = () =>
      withLease(ctx.client, names.locks, 'retention', 60_000, () =>
        runRetention(deps, { retentionDays: 10, dryRun: false }, NOW),
      );
    const outcomes = await Promise.all([run(), run()]);
    assert.equal(outcomes.filter((o) => o.ran).length, 1);
    assert.equal((await run()).ran, true);
  });

  test('a crashed holder’s lease is taken over once expired, not before', async () => {
    const past = () => new Date(Date.now() - 120_000);
    const stale = await acquireLease(ctx.client, names.locks, 'stale-job', 60_000, past);
    assert.ok(stale);
    const live = await acquireLease(ctx.client, names.locks, 'live-job', 60_000);
    assert.ok(live);
    assert.equal(await acquireLease(ctx.client, names.locks, 'live-job', 60_000), undefined);
    const takeover = await acquireLease(ctx.client, names.locks, 'stale-job', 60_000);
    assert.ok(takeover);
    await stale.release(); // no longer its lease: must not remove the new holder's
    assert.equal(await acquireLease(ctx.client, names.locks, 'stale-job', 60_000), undefined);
    await takeover.release();
    await live.release();
  });
});

describe('retention of dead letters', () => {
  const ctx = new EsTestContext();
  const prefix = ctx.prefix('jobs-retention-dl');
  const names = indexNames(prefix);
  const es = ctx.client;
  after(() => ctx.close());

  test('deletes those that failed before the cut-off, and merges their payloads off disk', async () => {
    await ensureOperationIndices(es, names, 0);
    await ensureDeadLetterIndex(es, names, 0);
    const letter = (offset: string, failedAt: string) => ({
      code: 'ARIANE_EVENT_INVALID',
      reason: 'invalid_json',
      issues: [],
      source: { topic: `${prefix}.gateway`, partition: 0, offset },
      payload: { encoding: 'utf8', data: `user-8812 ${offset}`, bytes: 12, truncated: false },
      failed_at: failedAt,
    });
    await es.bulk({
      refresh: true,
      operations: [
        { create: { _index: names.deadLetters, _id: 'old' } },
        letter('1', '2024-02-28T10:00:00.000Z'),
        { create: { _index: names.deadLetters, _id: 'kept' } },
        letter('2', '2024-03-05T10:00:00.000Z'),
      ],
    });
    const report = await runRetention(
      { es, names, logger },
      { retentionDays: 10, dryRun: false },
      NOW,
    );
    assert.deepEqual(report.prunedDocuments, [{ index: names.deadLetters, docs: 1 }]);
    await es.indices.refresh({ index: names.deadLetters });
    const left = await es.search({ index: names.deadLetters, size: 10 });
    assert.deepEqual(
      left.hits.hits.map((hit) => hit._id),
      ['kept'],
    );
    assert.equal(
      await deletedDocsOnDisk(elasticsearchErasureStore(es, names.locks), names.deadLetters),
      0,
    );
  });
});
